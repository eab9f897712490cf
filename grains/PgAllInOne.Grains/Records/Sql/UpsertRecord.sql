-- An expired record ($8 is the data clock's now) that cleanup has not reached yet is replaced as if new.
INSERT INTO records (id, data, type, session_id, thread_id, metadata, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (id) DO UPDATE
SET data = excluded.data, type = excluded.type, session_id = excluded.session_id, thread_id = excluded.thread_id,
    metadata = excluded.metadata, expires_at = excluded.expires_at, updated_at = now(),
    created_at = CASE WHEN records.expires_at <= $8 THEN now() ELSE records.created_at END,
    version = CASE WHEN records.expires_at <= $8 THEN 1 ELSE records.version + 1 END
RETURNING id, data, type, session_id, thread_id, metadata, version, created_at, updated_at, expires_at
