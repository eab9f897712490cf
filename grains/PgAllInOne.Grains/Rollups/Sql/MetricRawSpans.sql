-- Template: {last} as in MetricRawSpan.sql. MetricRawSpan.sql over many raw spans ($5, $6) in one statement: OFFSET 0
-- keeps each span a scan of its own, pruned to its partitions when it runs.
SELECT date_bin($1, m.time, TIMESTAMPTZ '2000-01-01 00:00:00+00'), CASE WHEN $4 THEN m.device_id END,
       count(*), sum(m.value), min(m.value), max(m.value), {last}, max(m.time)
FROM unnest($5::timestamptz[], $6::timestamptz[]) AS span(a, b)
CROSS JOIN LATERAL (
  SELECT time, device_id, value FROM metric_readings(span.a, span.b)
  WHERE metric = $2 AND ($3::text IS NULL OR device_id = $3)
  OFFSET 0
) m
GROUP BY 1, 2
