-- A dashboard session names its key by id: the session lives only while the key does.
SELECT id, name, role FROM api_keys WHERE id = $1 AND revoked_at IS NULL
