SELECT id, username, email, profile, event_count, version, created_at, updated_at
FROM users
WHERE id = ANY($1)
