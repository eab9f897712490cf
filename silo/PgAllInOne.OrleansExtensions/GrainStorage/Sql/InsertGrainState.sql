-- First write of a grain's state: applies only if there is no row yet.
INSERT INTO grain_state (service_id, grain_type, grain_key, state_name, version, state)
VALUES ($1, $2, $3, $4, 1, $5)
ON CONFLICT (service_id, grain_type, grain_key, state_name) DO NOTHING
RETURNING version
