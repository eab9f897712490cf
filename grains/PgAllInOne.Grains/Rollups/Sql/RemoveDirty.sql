DELETE FROM rollup_dirty WHERE id = ANY($1)
