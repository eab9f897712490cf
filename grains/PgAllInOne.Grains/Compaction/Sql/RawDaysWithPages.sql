-- The metrics partitions that hold pages: raw rows, or the dead rows of a compaction whose truncation had to wait. A
-- compacted day, emptied by TRUNCATE, has none until a late write lands in it.
SELECT child.relname
FROM pg_inherits inheritance
JOIN pg_class child ON child.oid = inheritance.inhrelid
WHERE inheritance.inhparent = 'metrics'::regclass AND pg_relation_size(child.oid) > 0
