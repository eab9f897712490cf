SELECT fingerprint, result FROM idempotency_keys WHERE scope = $1 AND key = $2
