-- The generation of cached analytic results: invalidation bumps it (and notifies every silo), so older results,
-- in memory or in Redis, are never served again.
CREATE TABLE query_cache_generation (
  id          integer PRIMARY KEY CHECK (id = 1),
  generation  bigint  NOT NULL
);

INSERT INTO query_cache_generation VALUES (1, 1);
