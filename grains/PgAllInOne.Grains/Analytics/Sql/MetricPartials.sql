-- One slice of a metrics query: per bucket (and device when $2), the parts that merge exactly; the newest reading
-- (of equal times, the largest value) only when $6 asks for it, since collecting it costs a sort.
SELECT date_bin($1, time, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket,
       CASE WHEN $2 THEN device_id END AS device,
       count(*), sum(value), min(value), max(value),
       (array_agg(value ORDER BY time DESC, value DESC) FILTER (WHERE $6))[1] AS last,
       max(time) AS last_at
FROM metrics
WHERE metric = $3 AND time >= $4 AND time < $5
GROUP BY 1, 2
