-- Applies only at the version the writer read; a stale writer gets no row back.
UPDATE grain_state
SET state = $5, version = version + 1, updated_at = now()
WHERE service_id = $1 AND grain_type = $2 AND grain_key = $3 AND state_name = $4 AND version = $6
RETURNING version
