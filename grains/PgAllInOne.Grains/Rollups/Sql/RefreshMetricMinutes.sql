-- The readings of the queued spans (runs of whole hours) per device, metric and minute, raw or compacted alike (a late
-- write into a compacted day re-aggregates its hour from both). Readings sorted by time, then value: the first element
-- is the earliest (of equal times the smallest), the last the newest (of equal times the largest).
INSERT INTO metrics_1m (bucket, device_id, metric, count, sum, min, max, first_time, first_value, last_time, last_value)
SELECT minute, device_id, metric, count, sum, min, max, first_time, ordered[1], last_time, ordered[cardinality(ordered)]
FROM (
  SELECT date_bin('1 minute', m.time, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS minute, m.device_id, m.metric,
         count(*) AS count, sum(m.value) AS sum, min(m.value) AS min, max(m.value) AS max,
         min(m.time) AS first_time, max(m.time) AS last_time,
         array_agg(m.value ORDER BY m.time, m.value) AS ordered
  FROM unnest($1::timestamptz[], $2::timestamptz[]) AS span(a, b)
  CROSS JOIN LATERAL (
    SELECT time, device_id, metric, value FROM metric_readings(span.a, span.b)
    OFFSET 0
  ) m
  GROUP BY 1, 2, 3
) minutes
