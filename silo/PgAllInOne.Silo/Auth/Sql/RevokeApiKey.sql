-- Every silo drops its cached keys at commit, so the key stops working at once everywhere.
WITH revoked AS (
  UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id
)
SELECT id, pg_notify('pgaio_api_keys', id::text) FROM revoked
