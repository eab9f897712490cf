-- Template: {partition} is a metrics day partition and {compact} the metrics_compact partition of the same day (names
-- from the partition scheme, never from input). Moves every raw row of the day that this statement sees into the
-- compacted rows: the hours it touches that were compacted before (a late write) are taken out, merged with the raw
-- rows and written again, one row per device, metric and hour, readings sorted by time, value, tags (the three arrays
-- sort alike: readings that tie on all three are equal). Returns the raw rows moved and the compacted rows written.
-- A DELETE naming the partition fires none of the statement triggers of metrics: the readings stay the same, so no
-- rollup hour is queued.
WITH moved AS (
  DELETE FROM {partition} RETURNING time, device_id, metric, value, tags
), touched AS (
  DELETE FROM {compact} AS compact
  USING (SELECT DISTINCT device_id, metric, date_bin('1 hour', time, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS hour FROM moved) AS hours
  WHERE compact.device_id = hours.device_id AND compact.metric = hours.metric AND compact.hour = hours.hour
  RETURNING compact.device_id, compact.metric, compact.times, compact.vals, compact.tags
), readings AS (
  SELECT time, device_id, metric, value, tags FROM moved
  UNION ALL
  SELECT reading.time, touched.device_id, touched.metric, reading.value, reading.tags
  FROM touched CROSS JOIN LATERAL unnest(touched.times, touched.vals, touched.tags) AS reading(time, value, tags)
), written AS (
  -- The aggregate reads all its input before it writes a row: the touched rows are gone before their keys return.
  INSERT INTO {compact} (hour, device_id, metric, times, vals, tags)
  SELECT date_bin('1 hour', time, TIMESTAMPTZ '2000-01-01 00:00:00+00'), device_id, metric,
         array_agg(time ORDER BY time, value, tags), array_agg(value ORDER BY time, value, tags),
         CASE WHEN count(tags) > 0 THEN array_agg(tags ORDER BY time, value, tags) END
  FROM readings
  GROUP BY 1, 2, 3
  RETURNING 1
)
SELECT (SELECT count(*) FROM moved), (SELECT count(*) FROM written)
