-- First in a metric reader's REPEATABLE READ transaction, before its snapshot is taken: LockSources.sql for the two
-- tables a metric read takes readings from (a partition move of events is none of its business).
LOCK TABLE metrics, metrics_compact IN ACCESS SHARE MODE
