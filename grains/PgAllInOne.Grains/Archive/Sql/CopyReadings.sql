-- An archived day's readings back into metrics: through the parent, whose statement triggers queue the day's hours for
-- the rollup job (which re-aggregates them from the attached readings: a late write during the archive is then counted too).
COPY metrics (time, device_id, metric, value, tags) FROM STDIN (FORMAT BINARY)
