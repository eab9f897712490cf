-- Whether hours of [$1, $2) wait in the rollup queue (readings written since the rollup job last folded them): such a
-- day is archived only once its rollups hold every reading, since they answer for it while it is archived.
SELECT EXISTS (SELECT 1 FROM rollup_dirty WHERE source = 'metrics' AND hour >= $1 AND hour < $2)
