-- The queued spans (runs of whole hours) from their minutes, just written in this transaction.
INSERT INTO metrics_1h (bucket, device_id, metric, count, sum, min, max, first_time, first_value, last_time, last_value)
SELECT date_bin('1 hour', r.bucket, TIMESTAMPTZ '2000-01-01 00:00:00+00'), r.device_id, r.metric,
       sum(r.count), sum(r.sum), min(r.min), max(r.max),
       min(r.first_time), (array_agg(r.first_value ORDER BY r.first_time, r.first_value))[1],
       max(r.last_time), (array_agg(r.last_value ORDER BY r.last_time DESC, r.last_value DESC))[1]
FROM unnest($1::timestamptz[], $2::timestamptz[]) AS span(a, b)
JOIN metrics_1m r ON r.bucket >= span.a AND r.bucket < span.b
GROUP BY 1, 2, 3
