-- One archived day ($1) locked to the end of the transaction: an attach and the archive of the same day take turns.
SELECT day, file, generation, readings, bytes, sha256, archived_at, attached_at
FROM metric_archive
WHERE day = $1
FOR UPDATE
