-- Newest first; each bound is optional (NULL: none).
SELECT id, at, action, target, key_id, key_name, client_address, request_id
FROM audit_log
WHERE ($1::timestamptz IS NULL OR at >= $1)
  AND ($2::timestamptz IS NULL OR at < $2)
  AND ($3::text IS NULL OR action = $3)
ORDER BY at DESC, id DESC
LIMIT $4
