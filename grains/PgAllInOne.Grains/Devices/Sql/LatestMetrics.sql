-- The newest reading per metric of device $1, raw or compacted: of the compacted rows only the newest hour of each
-- metric can hold it.
SELECT DISTINCT ON (metric) metric, value, time
FROM (
  SELECT metric, value, time FROM metrics WHERE device_id = $1
  UNION ALL
  SELECT newest.metric, reading.value, reading.time
  FROM (
    SELECT DISTINCT ON (metric) metric, times, vals FROM metrics_compact WHERE device_id = $1 ORDER BY metric, hour DESC
  ) newest
  CROSS JOIN LATERAL unnest(newest.times, newest.vals) AS reading(time, value)
) readings
ORDER BY metric, time DESC
