-- The readings of [$1, $2), raw or compacted, counted, with an order-free fingerprint of their values (sum of one
-- 64-bit hash per reading): what the export saw is what the day's transaction empties, or the day is left as it is.
SELECT count(*), coalesce(sum(hashtextextended(concat_ws(chr(31), time::text, device_id, metric, value::text, tags::text), 0)::numeric), 0)::text
FROM metric_readings($1, $2)
