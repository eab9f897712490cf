-- The archived days, oldest first.
SELECT day, file, generation, readings, bytes, sha256, archived_at, attached_at
FROM metric_archive
ORDER BY day
