-- Continuous rollups: metrics per minute and per hour, events per type per hour, kept exact by a dirty-hour queue.
-- Every statement that inserts, updates or deletes raw rows appends the hours it touched to rollup_dirty in its own
-- transaction (statement triggers below); the rollup job re-aggregates the hours it sees queued below its watermark
-- and removes exactly those queue rows, in one snapshot. A reader takes an hour from a rollup only when no queue
-- row for it is visible to its own snapshot, and reads the raw rows of every other hour: so rollup + raw tail = raw.

-- Append-only (no unique key): a concurrent ingest never merges into a queue row that the job is about to remove.
CREATE TABLE rollup_dirty (
  id      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source  text        NOT NULL CHECK (source IN ('metrics', 'events')),
  hour    timestamptz NOT NULL
);
CREATE INDEX rollup_dirty_source_hour ON rollup_dirty (source, hour);

-- How far each rollup has been materialized (hours before it; queued hours excepted). Informative for readers.
CREATE TABLE rollup_watermark (
  source     text        PRIMARY KEY CHECK (source IN ('metrics', 'events')),
  watermark  timestamptz NOT NULL
);

-- first_*: the earliest reading (of equal times the smallest value); last_*: the newest (of equal times the largest).
CREATE TABLE metrics_1m (
  bucket       timestamptz      NOT NULL,
  device_id    text             NOT NULL,
  metric       text             NOT NULL,
  count        bigint           NOT NULL,
  sum          double precision NOT NULL,
  min          double precision NOT NULL,
  max          double precision NOT NULL,
  first_time   timestamptz      NOT NULL,
  first_value  double precision NOT NULL,
  last_time    timestamptz      NOT NULL,
  last_value   double precision NOT NULL,
  PRIMARY KEY (device_id, metric, bucket)
);
CREATE INDEX metrics_1m_metric_bucket ON metrics_1m (metric, bucket);

CREATE TABLE metrics_1h (LIKE metrics_1m INCLUDING ALL);
CREATE INDEX metrics_1h_metric_bucket_cover ON metrics_1h (metric, bucket) INCLUDE (device_id, count, sum, min, max, last_time, last_value);

CREATE TABLE events_1h (
  bucket    timestamptz NOT NULL,
  type      text        NOT NULL,
  count     bigint      NOT NULL,
  first_at  timestamptz NOT NULL,
  last_at   timestamptz NOT NULL,
  PRIMARY KEY (bucket, type)
);

CREATE FUNCTION rollup_mark_metrics() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_dirty (source, hour)
  SELECT DISTINCT 'metrics', date_trunc('hour', changed.time, 'UTC') FROM changed;
  RETURN NULL;
END $$;

CREATE FUNCTION rollup_mark_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_dirty (source, hour)
  SELECT DISTINCT 'events', date_trunc('hour', changed.occurred_at, 'UTC') FROM changed;
  RETURN NULL;
END $$;

-- One trigger per event: PostgreSQL allows transition tables on single-event triggers only. An UPDATE marks the
-- hours its rows left (old) and entered (new).
CREATE TRIGGER metrics_rollup_insert AFTER INSERT ON metrics REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_metrics();
CREATE TRIGGER metrics_rollup_delete AFTER DELETE ON metrics REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_metrics();
CREATE TRIGGER metrics_rollup_update_old AFTER UPDATE ON metrics REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_metrics();
CREATE TRIGGER metrics_rollup_update_new AFTER UPDATE ON metrics REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_metrics();
CREATE TRIGGER events_rollup_insert AFTER INSERT ON events REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_events();
CREATE TRIGGER events_rollup_delete AFTER DELETE ON events REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_events();
CREATE TRIGGER events_rollup_update_old AFTER UPDATE ON events REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_events();
CREATE TRIGGER events_rollup_update_new AFTER UPDATE ON events REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_events();

-- Rows stored before the rollups existed: their hours are queued like any late write.
INSERT INTO rollup_dirty (source, hour) SELECT DISTINCT 'metrics', date_trunc('hour', time, 'UTC') FROM metrics;
INSERT INTO rollup_dirty (source, hour) SELECT DISTINCT 'events', date_trunc('hour', occurred_at, 'UTC') FROM events;

-- Time-ordered block ranges: the rollup job and the raw tail of a query read a few hours of a partition cheaply.
CREATE INDEX metrics_time_brin ON metrics USING brin (time);
CREATE INDEX events_occurred_brin ON events USING brin (occurred_at);
