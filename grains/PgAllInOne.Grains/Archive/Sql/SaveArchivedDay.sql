-- The day's file (its first, or the next generation holding the earlier file's readings and those written since), in
-- the transaction that empties the day.
INSERT INTO metric_archive (day, file, generation, readings, bytes, sha256, archived_at, attached_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)
ON CONFLICT (day) DO UPDATE
SET file = excluded.file, generation = excluded.generation, readings = excluded.readings, bytes = excluded.bytes,
    sha256 = excluded.sha256, archived_at = excluded.archived_at, attached_at = NULL
