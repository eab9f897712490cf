-- The generic JSON record store: upserts with versions, TTL, queries by type, session, thread and data filters.
CREATE TABLE records (
  id          text        PRIMARY KEY,
  data        jsonb       NOT NULL,
  type        text,
  session_id  text,
  thread_id   text,
  metadata    jsonb       NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz,
  version     bigint      NOT NULL DEFAULT 1
);

CREATE INDEX records_type_created ON records (type, created_at DESC);
CREATE INDEX records_session_created ON records (session_id, created_at DESC) WHERE session_id IS NOT NULL;
CREATE INDEX records_thread_created ON records (thread_id, created_at DESC) WHERE thread_id IS NOT NULL;
CREATE INDEX records_expires ON records (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX records_data ON records USING gin (data jsonb_path_ops);
