-- Compacted cold readings: the maintenance job rewrites a metrics day partition older than Metrics:CompressAfter as one
-- row per device, metric and UTC hour holding the hour's readings as arrays sorted by time (then value, then tags),
-- and empties the raw partition in the same transaction. Partitioned by day like metrics, so that retention drops a
-- compacted day whole. Element i of times, vals and tags is one reading; tags is NULL when no reading of the row has tags.
CREATE TABLE metrics_compact (
  hour       timestamptz        NOT NULL,
  device_id  text               NOT NULL,
  metric     text               NOT NULL,
  times      timestamptz[]      NOT NULL,
  vals       double precision[] NOT NULL,
  tags       jsonb[],
  PRIMARY KEY (device_id, metric, hour)
) PARTITION BY RANGE (hour);

-- Only the owner (the maintenance job) writes compacted rows; the serving role reads them.
REVOKE ALL ON metrics_compact FROM pgaio_serving;
GRANT SELECT ON metrics_compact TO pgaio_serving;

-- Every reading of [range_from, range_to), raw or compacted, as rows of metrics: the one way to read raw readings.
-- A plain SQL function (not strict, stable, one statement) is inlined into the query that calls it, so the callers'
-- conditions reach both branches and each prunes its partitions (a compacted hour row overlaps the range when its
-- hour starts less than an hour before range_from).
CREATE FUNCTION metric_readings(range_from timestamptz, range_to timestamptz)
RETURNS TABLE ("time" timestamptz, device_id text, metric text, value double precision, tags jsonb)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT raw.time, raw.device_id, raw.metric, raw.value, raw.tags
  FROM metrics raw
  WHERE raw.time >= range_from AND raw.time < range_to
  UNION ALL
  SELECT reading.time, compact.device_id, compact.metric, reading.value, reading.tags
  FROM metrics_compact compact
  CROSS JOIN LATERAL unnest(compact.times, compact.vals, compact.tags) AS reading(time, value, tags)
  WHERE compact.hour > range_from - interval '1 hour' AND compact.hour < range_to
    AND reading.time >= range_from AND reading.time < range_to
$$;
