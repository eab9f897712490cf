SELECT version, state
FROM grain_state
WHERE service_id = $1 AND grain_type = $2 AND grain_key = $3 AND state_name = $4
