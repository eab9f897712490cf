-- Archived metric days: the maintenance job exports a day past Metrics:ArchiveAfter to a Parquet file in
-- Metrics:ArchiveDirectory, records it here and empties the day's raw and compacted partitions in the same transaction
-- (the day's rollups stay). Attaching copies the file's readings back into the day and sets attached_at; a later
-- archive of the day writes the next generation's file and clears it.
CREATE TABLE metric_archive (
  day          date        PRIMARY KEY,
  file         text        NOT NULL,  -- the file's name inside Metrics:ArchiveDirectory
  generation   integer     NOT NULL,  -- 1 for the day's first file, then one more each time the day is archived again
  readings     bigint      NOT NULL,  -- rows in the file (verified by reading it back before the day was emptied)
  bytes        bigint      NOT NULL,
  sha256       text        NOT NULL,  -- of the file's bytes, checked again before an attach reads it
  archived_at  timestamptz NOT NULL,
  attached_at  timestamptz             -- NULL while the readings are only in the file
);

-- Only the owner (the maintenance job, and an operator's attach) writes the archive list; the serving role reads it.
REVOKE ALL ON metric_archive FROM pgaio_serving;
GRANT SELECT ON metric_archive TO pgaio_serving;
