-- The hours of [$2, $3) with changes not yet in the rollups, as this snapshot sees them: a reader takes them raw.
SELECT DISTINCT hour FROM rollup_dirty WHERE source = $1 AND hour >= $2 AND hour < $3
