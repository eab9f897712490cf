-- The notification is delivered at commit, to every silo listening on the channel.
WITH bumped AS (
  UPDATE query_cache_generation SET generation = generation + 1 WHERE id = 1 RETURNING generation
)
SELECT generation, pg_notify('pgaio_query_cache', generation::text) FROM bumped
