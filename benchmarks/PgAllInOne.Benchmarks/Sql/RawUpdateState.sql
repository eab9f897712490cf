-- The anchor's later writes: applies only at the version the writer read, one statement, one commit.
UPDATE bench_raw_grain_state
SET state = $2, version = version + 1, updated_at = now()
WHERE service_id = 'raw' AND grain_type = 'raw' AND grain_key = $1 AND state_name = 'state' AND version = $3
RETURNING version
