-- Events per type ($1 = 'type') or UTC day over the rollup spans ($3, $4) and the raw spans ($5, $6), of one type ($2)
-- when given: count, first and last. Each span is aggregated on its own (a LATERAL subquery, pruned to its partitions),
-- so the planner, which cannot see the spans' bounds, groups a span's rows by hashing into the few keys it knows of
-- rather than sorting every row (at 10 M events: 70,000 rollup rows sorted on disk). Days are grouped as the instant
-- starting them and named once per group (to_char per row was most of the time of a year by day).
SELECT coalesce(part.type, to_char(part.day AT TIME ZONE 'UTC', 'YYYY-MM-DD')), sum(part.count)::bigint, min(part.first_at), max(part.last_at)
FROM (
  SELECT r.type, r.day, r.count, r.first_at, r.last_at
  FROM unnest($3::timestamptz[], $4::timestamptz[]) AS span(a, b)
  CROSS JOIN LATERAL (
    SELECT CASE WHEN $1 = 'type' THEN type END AS type,
           CASE WHEN $1 = 'type' THEN NULL ELSE date_bin('1 day', bucket, TIMESTAMPTZ '2000-01-01 00:00:00+00') END AS day,
           sum(count) AS count, min(first_at) AS first_at, max(last_at) AS last_at
    FROM events_1h
    WHERE bucket >= span.a AND bucket < span.b AND ($2::text IS NULL OR type = $2)
    GROUP BY 1, 2
  ) r
  UNION ALL
  SELECT e.type, e.day, e.count, e.first_at, e.last_at
  FROM unnest($5::timestamptz[], $6::timestamptz[]) AS span(a, b)
  CROSS JOIN LATERAL (
    SELECT CASE WHEN $1 = 'type' THEN type END AS type,
           CASE WHEN $1 = 'type' THEN NULL ELSE date_bin('1 day', occurred_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') END AS day,
           count(*) AS count, min(occurred_at) AS first_at, max(occurred_at) AS last_at
    FROM events
    WHERE occurred_at >= span.a AND occurred_at < span.b AND ($2::text IS NULL OR type = $2)
    GROUP BY 1, 2
  ) e
) part
GROUP BY part.type, part.day
