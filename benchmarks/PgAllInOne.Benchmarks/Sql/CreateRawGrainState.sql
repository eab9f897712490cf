-- The anchor's table: the same shape as grain_state (columns, primary key, defaults), empty at the start of a run.
DROP TABLE IF EXISTS bench_raw_grain_state;
CREATE TABLE bench_raw_grain_state (LIKE grain_state INCLUDING ALL);
