-- Partition DDL of one table, one silo at a time: the lock waits at most as long as the session's lock_timeout.
SELECT pg_advisory_xact_lock($1)
