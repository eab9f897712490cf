-- The anchor: one conditional upsert per write, each its own transaction.
INSERT INTO grain_state (grain_type, grain_key, state_name, version, payload)
VALUES ('raw', $1, 'state', 1, $2)
ON CONFLICT (grain_type, grain_key, state_name) DO UPDATE
SET payload = excluded.payload, version = grain_state.version + 1, updated_at = now()
WHERE grain_state.version = $3
RETURNING version
