-- The queued spans (runs of whole hours): events per type and hour.
INSERT INTO events_1h (bucket, type, count, first_at, last_at)
SELECT date_bin('1 hour', e.occurred_at, TIMESTAMPTZ '2000-01-01 00:00:00+00'), e.type, count(*), min(e.occurred_at), max(e.occurred_at)
FROM unnest($1::timestamptz[], $2::timestamptz[]) AS span(a, b)
CROSS JOIN LATERAL (
  SELECT type, occurred_at FROM events
  WHERE occurred_at >= span.a AND occurred_at < span.b
  OFFSET 0
) e
GROUP BY 1, 2
