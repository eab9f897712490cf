SELECT id, name, role, created_at FROM api_keys WHERE revoked_at IS NULL ORDER BY id
