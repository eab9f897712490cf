-- A device's hourly rollups read by an index-only scan of its own rows. Without it, a range of one device planned over
-- unnested spans (whose bounds the planner cannot see) took the covering (metric, bucket) index and filtered out every
-- other device: a year of one device read all devices' hours (at 10 devices, 10x the pages).
CREATE INDEX metrics_1h_device_cover ON metrics_1h (device_id, metric, bucket) INCLUDE (count, sum, min, max, last_time, last_value);

-- Events per type and hour over a range by an index-only scan (the primary key's scan visited the heap for every hour
-- and type: at 10 M events a year by type read 70,000 heap tuples; this index, 500 pages).
CREATE INDEX events_1h_bucket_cover ON events_1h (bucket, type) INCLUDE (count, first_at, last_at);
