-- Template: {rollup} is metrics_1m or metrics_1h, {last} as in MetricRollupBuckets.sql. For a bucket of the rollup's own
-- width when each rollup row is a bucket of its own (one device, or per device): the rows of {rollup} over its spans
-- ($5, $6) as they are, nothing to aggregate; then the buckets that minute rollup rows over the spans ($7, $8) make up
-- (the range's edges inside an hour), as MetricRollupBuckets.sql does.
SELECT r.bucket, CASE WHEN $4 THEN r.device_id END, r.count, r.sum, r.min, r.max, r.last_value, r.last_time
FROM unnest($5::timestamptz[], $6::timestamptz[]) AS span(a, b)
CROSS JOIN LATERAL (
  SELECT bucket, device_id, count, sum, min, max, last_value, last_time FROM {rollup}
  WHERE metric = $2 AND ($3::text IS NULL OR device_id = $3) AND bucket >= span.a AND bucket < span.b
  OFFSET 0
) r
UNION ALL
SELECT date_bin($1, r.bucket, TIMESTAMPTZ '2000-01-01 00:00:00+00'), CASE WHEN $4 THEN r.device_id END,
       sum(r.count)::bigint, sum(r.sum), min(r.min), max(r.max), {last}, max(r.last_time)
FROM unnest($7::timestamptz[], $8::timestamptz[]) AS span(a, b)
CROSS JOIN LATERAL (
  SELECT bucket, device_id, count, sum, min, max, last_value, last_time FROM metrics_1m
  WHERE metric = $2 AND ($3::text IS NULL OR device_id = $3) AND bucket >= span.a AND bucket < span.b
  OFFSET 0
) r
GROUP BY 1, 2
