SELECT count(*) FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL
