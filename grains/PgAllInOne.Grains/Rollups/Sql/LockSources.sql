-- First in a REPEATABLE READ transaction, before its snapshot is taken (LOCK takes none): waits for a partition move
-- that is committing, so that the snapshot sees it. Otherwise a partition attached after the snapshot prunes the
-- default partition, whose moved rows the snapshot still holds, while the new partition's copies are invisible to it:
-- the rows of that period would read as none, and a fold would store that. Likewise a compaction's TRUNCATE of a day
-- (whose rows it moved into metrics_compact) waits for the snapshots that still read the day raw.
LOCK TABLE events, metrics, metrics_compact IN ACCESS SHARE MODE
