UPDATE users
SET profile = $2, version = version + 1, updated_at = now()
WHERE id = $1 AND version = $3
RETURNING id, username, email, profile, event_count, version, created_at, updated_at
