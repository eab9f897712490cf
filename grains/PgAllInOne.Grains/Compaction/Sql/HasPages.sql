-- Whether the day partition $1 still holds pages, looked at under the compaction's lock: another silo may have
-- compacted the day since it was listed.
SELECT pg_relation_size($1::regclass) > 0
