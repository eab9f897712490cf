-- Template: {last} is the newest reading's value of a bucket (of equal times the largest) or NULL when not asked for.
-- A metric per bucket ($1) over the readings of one raw span [$5, $6), raw or compacted (metric_readings, sql/0034):
-- of one device ($3) or all, per device ($4) or overall. The span's bounds are the statement's own parameters, so
-- the plan holds only the partitions of the span (a range over a year of day partitions plans a few, not hundreds).
SELECT date_bin($1, m.time, TIMESTAMPTZ '2000-01-01 00:00:00+00'), CASE WHEN $4 THEN m.device_id END,
       count(*), sum(m.value), min(m.value), max(m.value), {last}, max(m.time)
FROM metric_readings($5, $6) m
WHERE m.metric = $2 AND ($3::text IS NULL OR m.device_id = $3)
GROUP BY 1, 2
