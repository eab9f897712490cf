-- A cleared state keeps its row and moves its version on, so a stale writer still conflicts.
UPDATE grain_state
SET state = NULL, version = version + 1, updated_at = now()
WHERE service_id = $1 AND grain_type = $2 AND grain_key = $3 AND state_name = $4 AND version = $5
RETURNING version
