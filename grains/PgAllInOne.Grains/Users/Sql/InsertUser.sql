INSERT INTO users (username, email, profile)
VALUES ($1, $2, $3)
RETURNING id, username, email, profile, event_count, version, created_at, updated_at
