-- API keys: only a SHA-256 of each key is stored (keys are 256 random bits, so a fast hash is enough).
CREATE TABLE api_keys (
  id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text        NOT NULL,
  role        text        NOT NULL CHECK (role IN ('admin', 'writer', 'reader')),
  key_hash    bytea       NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);

-- What each silo last reported with its heartbeat (activations per grain type, CPU, memory, calls per method),
-- so that any silo can show the whole cluster.
ALTER TABLE silo_membership ADD COLUMN stats jsonb;
