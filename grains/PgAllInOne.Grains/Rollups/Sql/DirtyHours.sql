-- The queued spans (runs of whole hours) of one source as this snapshot sees them, oldest first, each with its queue rows.
SELECT hour, array_agg(id)
FROM rollup_dirty
WHERE source = $1
GROUP BY hour
ORDER BY hour
LIMIT $2
