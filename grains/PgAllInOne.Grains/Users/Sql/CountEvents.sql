-- In the same transaction as the insert: the count moves by exactly what was stored.
UPDATE users
SET event_count = event_count + $2, updated_at = now()
WHERE id = $1
RETURNING id, username, email, profile, event_count, version, created_at, updated_at
