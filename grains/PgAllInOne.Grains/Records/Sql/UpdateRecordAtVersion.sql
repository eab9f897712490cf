UPDATE records
SET data = $2, type = $3, session_id = $4, thread_id = $5, metadata = $6, expires_at = $7,
    updated_at = now(), version = version + 1
WHERE id = $1 AND version = $8 AND (expires_at IS NULL OR expires_at > $9)
RETURNING id, data, type, session_id, thread_id, metadata, version, created_at, updated_at, expires_at
