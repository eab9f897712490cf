-- One archived day ($1), or no row.
SELECT day, file, generation, readings, bytes, sha256, archived_at, attached_at
FROM metric_archive
WHERE day = $1
