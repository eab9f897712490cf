UPDATE grain_state
SET payload = $4, version = version + 1, updated_at = now()
WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3 AND version = $5
RETURNING version
