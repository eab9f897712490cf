-- Device time series, partitioned by day so that retention drops whole partitions.
CREATE TABLE metrics (
  time       timestamptz      NOT NULL,
  device_id  text             NOT NULL,
  metric     text             NOT NULL,
  value      double precision NOT NULL,
  tags       jsonb
) PARTITION BY RANGE (time);

CREATE TABLE metrics_default PARTITION OF metrics DEFAULT;

CREATE INDEX metrics_device_metric_time ON metrics (device_id, metric, time DESC);
