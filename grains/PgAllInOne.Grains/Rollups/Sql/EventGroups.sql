-- Events per type ($1 = 'type') or UTC day over the rollup spans ($3, $4) and the raw spans ($5, $6), of one type ($2)
-- when given: count, first and last. OFFSET 0 keeps each span a scan of its own, pruned to its partitions.
SELECT part.key, sum(part.count)::bigint, min(part.first_at), max(part.last_at)
FROM (
  SELECT CASE WHEN $1 = 'type' THEN r.type ELSE to_char(r.bucket AT TIME ZONE 'UTC', 'YYYY-MM-DD') END AS key,
         r.count, r.first_at, r.last_at
  FROM unnest($3::timestamptz[], $4::timestamptz[]) AS span(a, b)
  CROSS JOIN LATERAL (
    SELECT bucket, type, count, first_at, last_at FROM events_1h
    WHERE bucket >= span.a AND bucket < span.b AND ($2::text IS NULL OR type = $2)
    OFFSET 0
  ) r
  UNION ALL
  SELECT CASE WHEN $1 = 'type' THEN e.type ELSE to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') END,
         count(*), min(e.occurred_at), max(e.occurred_at)
  FROM unnest($5::timestamptz[], $6::timestamptz[]) AS span(a, b)
  CROSS JOIN LATERAL (
    SELECT type, occurred_at FROM events
    WHERE occurred_at >= span.a AND occurred_at < span.b AND ($2::text IS NULL OR type = $2)
    OFFSET 0
  ) e
  GROUP BY 1
) part
GROUP BY 1
