SELECT id, type, data, occurred_at
FROM events
WHERE user_id = $1
  AND ($2::timestamptz IS NULL OR occurred_at >= $2)
  AND ($3::timestamptz IS NULL OR occurred_at < $3)
  AND ($4::text IS NULL OR type = $4)
ORDER BY occurred_at DESC, id DESC
LIMIT $5
