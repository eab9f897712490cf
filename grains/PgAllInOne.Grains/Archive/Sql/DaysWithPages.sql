-- The raw and compacted metrics partitions that hold pages: the days with readings in PostgreSQL (an archived or
-- compacted day is emptied by TRUNCATE and has none until a late write lands in it).
SELECT child.relname
FROM pg_inherits inheritance
JOIN pg_class child ON child.oid = inheritance.inhrelid
WHERE inheritance.inhparent IN ('metrics'::regclass, 'metrics_compact'::regclass) AND pg_relation_size(child.oid) > 0
