-- The time is the transaction's: the entry bears the moment the action it records took effect.
INSERT INTO audit_log (action, target, key_id, key_name, client_address, request_id)
VALUES ($1, $2, $3, $4, $5, $6)
