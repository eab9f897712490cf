-- A cleared state keeps its row and moves its version on, so a stale writer still conflicts.
UPDATE grain_state
SET payload = NULL, version = version + 1, updated_at = now()
WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3 AND version = $4
RETURNING version
