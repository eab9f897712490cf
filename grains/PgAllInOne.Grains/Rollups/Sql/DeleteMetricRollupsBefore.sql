-- Retention: the rollups of metrics older than $1 go with their raw rows (whole days: $1 is a UTC midnight).
DELETE FROM metrics_1m WHERE bucket < $1
