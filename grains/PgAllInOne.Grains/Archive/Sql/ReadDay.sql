-- Every reading of [$1, $2), raw or compacted, for the archive file: sorted by series then time, which is what Parquet
-- encodes smallest (runs of the same device and metric, close times); tags as the jsonb value's text.
SELECT time, device_id, metric, value, tags::text
FROM metric_readings($1, $2)
ORDER BY device_id, metric, time, value
