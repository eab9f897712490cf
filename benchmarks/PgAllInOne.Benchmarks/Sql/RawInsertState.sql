-- The anchor's first write of a key: applies only if there is no row yet, one statement, one commit.
INSERT INTO bench_raw_grain_state (service_id, grain_type, grain_key, state_name, version, state)
VALUES ('raw', 'raw', $1, 'state', 1, $2)
ON CONFLICT (service_id, grain_type, grain_key, state_name) DO NOTHING
RETURNING version
