DELETE FROM rollup_dirty WHERE source = 'metrics' AND hour < $1
