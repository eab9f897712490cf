SELECT id, data, type, session_id, thread_id, metadata, version, created_at, updated_at, expires_at
FROM records
WHERE id = $1 AND (expires_at IS NULL OR expires_at > $2)
