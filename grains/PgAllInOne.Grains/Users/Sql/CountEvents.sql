-- In the same transaction as the insert: each count moves by exactly what was stored for that user.
UPDATE users
SET event_count = users.event_count + added.count, updated_at = now()
FROM unnest($1::bigint[], $2::bigint[]) AS added(user_id, count)
WHERE users.id = added.user_id
RETURNING users.id, users.username, users.email, users.profile, users.event_count, users.version, users.created_at, users.updated_at
