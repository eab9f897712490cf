-- Template: {rollup} is metrics_1m or metrics_1h. MetricRollupBuckets.sql when the bucket is the rollup's own width and
-- each rollup row is a bucket of its own (one device, or per device): the rows as they are, nothing to aggregate.
SELECT r.bucket, CASE WHEN $4 THEN r.device_id END, r.count, r.sum, r.min, r.max, r.last_value, r.last_time
FROM unnest($5::timestamptz[], $6::timestamptz[]) AS span(a, b)
CROSS JOIN LATERAL (
  SELECT bucket, device_id, count, sum, min, max, last_value, last_time FROM {rollup}
  WHERE metric = $2 AND ($3::text IS NULL OR device_id = $3) AND bucket >= span.a AND bucket < span.b
  OFFSET 0
) r
