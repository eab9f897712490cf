INSERT INTO grain_state (grain_type, grain_key, state_name, version, payload)
VALUES ($1, $2, $3, 1, $4)
ON CONFLICT (grain_type, grain_key, state_name) DO NOTHING
RETURNING version
