-- Template: {rollup} is metrics_1m or metrics_1h. A metric per bucket ($1) over the rollup spans ($6, $7) and the raw
-- spans ($8, $9): of one device ($3) or all, per device ($4) or overall; count, sum, min, max, and the newest reading
-- (of equal times the largest value) only when $5 asks for it, since collecting it costs a sort.
-- OFFSET 0 keeps each span a scan of its own, pruned to its partitions and rollup rows. Raw spans read the readings
-- whether raw or compacted (metric_readings, sql/0034).
SELECT part.bucket, part.device, sum(part.count)::bigint, sum(part.sum), min(part.min), max(part.max),
       (array_agg(part.last ORDER BY part.last_at DESC, part.last DESC) FILTER (WHERE $5))[1] AS last,
       max(part.last_at) AS last_at
FROM (
  SELECT date_bin($1, r.bucket, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket, CASE WHEN $4 THEN r.device_id END AS device,
         r.count, r.sum, r.min, r.max, r.last_value AS last, r.last_time AS last_at
  FROM unnest($6::timestamptz[], $7::timestamptz[]) AS span(a, b)
  CROSS JOIN LATERAL (
    SELECT bucket, device_id, count, sum, min, max, last_value, last_time FROM {rollup}
    WHERE metric = $2 AND ($3::text IS NULL OR device_id = $3) AND bucket >= span.a AND bucket < span.b
    OFFSET 0
  ) r
  UNION ALL
  SELECT date_bin($1, m.time, TIMESTAMPTZ '2000-01-01 00:00:00+00'), CASE WHEN $4 THEN m.device_id END,
         count(*), sum(m.value), min(m.value), max(m.value),
         (array_agg(m.value ORDER BY m.time DESC, m.value DESC) FILTER (WHERE $5))[1], max(m.time)
  FROM unnest($8::timestamptz[], $9::timestamptz[]) AS span(a, b)
  CROSS JOIN LATERAL (
    SELECT time, device_id, value FROM metric_readings(span.a, span.b)
    WHERE metric = $2 AND ($3::text IS NULL OR device_id = $3)
    OFFSET 0
  ) m
  GROUP BY 1, 2
) part
GROUP BY 1, 2
ORDER BY 1, 2
