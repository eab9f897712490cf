-- Users (OLTP, one grain per user) and their events (range-partitioned by month on the event time).
CREATE TABLE users (
  id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username     text        NOT NULL,
  email        text        NOT NULL,
  profile      jsonb       NOT NULL DEFAULT '{}',
  event_count  bigint      NOT NULL DEFAULT 0,
  version      bigint      NOT NULL DEFAULT 1,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Uniqueness regardless of case: "Alice" and "alice" are one user name.
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- A sequence, not an identity column: PostgreSQL 15 has no identity columns on partitioned tables.
CREATE SEQUENCE events_id_seq AS bigint;

CREATE TABLE events (
  id           bigint      NOT NULL DEFAULT nextval('events_id_seq'),
  user_id      bigint      NOT NULL,
  type         text        NOT NULL,
  data         jsonb       NOT NULL DEFAULT '{}',
  occurred_at  timestamptz NOT NULL,
  PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);

ALTER SEQUENCE events_id_seq OWNED BY events.id;

-- Rows whose month has no partition yet land here; maintenance moves them when it creates the partition.
CREATE TABLE events_default PARTITION OF events DEFAULT;

CREATE INDEX events_user_time ON events (user_id, occurred_at DESC);
CREATE INDEX events_type_time ON events (type, occurred_at);
