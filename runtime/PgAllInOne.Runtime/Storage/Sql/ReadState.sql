SELECT version, payload
FROM grain_state
WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3
