-- Template: {last} is the newest reading's value of a bucket (of equal times the largest) or NULL when not asked for
-- (collecting it costs a sort per bucket). A metric per bucket ($1) over the hour rollup's spans ($5, $6) and the minute
-- rollup's spans ($7, $8): of one device ($3) or all, per device ($4) or overall. OFFSET 0 keeps each span a scan of
-- its own.
SELECT date_bin($1, r.bucket, TIMESTAMPTZ '2000-01-01 00:00:00+00'), CASE WHEN $4 THEN r.device_id END,
       sum(r.count)::bigint, sum(r.sum), min(r.min), max(r.max), {last}, max(r.last_time)
FROM (
  SELECT h.* FROM unnest($5::timestamptz[], $6::timestamptz[]) AS span(a, b)
  CROSS JOIN LATERAL (
    SELECT bucket, device_id, count, sum, min, max, last_value, last_time FROM metrics_1h
    WHERE metric = $2 AND ($3::text IS NULL OR device_id = $3) AND bucket >= span.a AND bucket < span.b
    OFFSET 0
  ) h
  UNION ALL
  SELECT m.* FROM unnest($7::timestamptz[], $8::timestamptz[]) AS span(a, b)
  CROSS JOIN LATERAL (
    SELECT bucket, device_id, count, sum, min, max, last_value, last_time FROM metrics_1m
    WHERE metric = $2 AND ($3::text IS NULL OR device_id = $3) AND bucket >= span.a AND bucket < span.b
    OFFSET 0
  ) m
) r
GROUP BY 1, 2
