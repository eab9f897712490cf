-- Template: {aggregate} is one of the fixed expressions of DeviceGrain; every value is a parameter.
SELECT date_bin($5, time, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket, {aggregate}, count(*)
FROM metrics
WHERE device_id = $1 AND metric = $2 AND time >= $3 AND time < $4
GROUP BY bucket
ORDER BY bucket
