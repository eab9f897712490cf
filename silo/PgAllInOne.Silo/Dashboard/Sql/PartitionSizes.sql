SELECT parent.relname AS table_name, child.relname AS partition, pg_total_relation_size(child.oid) AS bytes, greatest(child.reltuples, 0)::bigint AS rows
FROM pg_inherits
JOIN pg_class parent ON parent.oid = pg_inherits.inhparent
JOIN pg_class child ON child.oid = pg_inherits.inhrelid
WHERE parent.relname IN ('events', 'metrics', 'metrics_compact')
ORDER BY parent.relname, child.relname DESC
LIMIT 200
