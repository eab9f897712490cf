SELECT DISTINCT ON (metric) metric, value, time
FROM metrics
WHERE device_id = $1
ORDER BY metric, time DESC
