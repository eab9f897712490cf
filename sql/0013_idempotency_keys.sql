-- Idempotency keys (the Idempotency-Key header, and the optional key of the event, metric, user and document grain
-- calls): one row per key a caller used, written in the same transaction as the write it guards, so that the key is
-- stored exactly when the write is, through crashes and failovers. A repeat finds the row (the primary key makes a
-- concurrent repeat wait for the first's transaction) and is answered with its result; a repeat with another request
-- (another fingerprint) is refused. Maintenance purges rows past the window (Api:IdempotencyWindow) by created_at.
CREATE TABLE idempotency_keys (
    scope       text        NOT NULL,  -- whose key: "api-key:<id>" over HTTP, the caller's own scope over the cluster client
    key         text        NOT NULL,
    fingerprint bytea       NOT NULL,  -- SHA-256 of the request: its operation, target and arguments
    result      text        NOT NULL,  -- what the first request was answered with, in the form its operation reads back
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (scope, key)
);

CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

-- The serving role (0015) reads and inserts keys; maintenance purges them on the owner's connection. A database that
-- has the role already (this migration applied after 0015) gets just that; a new one gets it from 0015.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'pgaio_serving') THEN
    REVOKE ALL ON idempotency_keys FROM pgaio_serving;
    GRANT SELECT, INSERT ON idempotency_keys TO pgaio_serving;
  END IF;
END
$$;
