-- First in an event reader's REPEATABLE READ transaction, before its snapshot is taken: LockSources.sql for the one
-- table an event read takes rows from (locking metrics too would lock each of its day partitions, for nothing).
LOCK TABLE events IN ACCESS SHARE MODE
