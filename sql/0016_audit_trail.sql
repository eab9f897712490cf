-- The audit trail: administrative and destructive actions, each appended in the transaction of the action it records
-- (who: the acting API key's id and name, the client's address, the request's trace id). The serving role may append
-- and read, never change or delete: retention (Audit:RetentionDays) is the owner's maintenance job.
CREATE TABLE audit_log (
  id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at              timestamptz NOT NULL DEFAULT now(),
  action          text        NOT NULL,
  target          text        NOT NULL,
  key_id          bigint,
  key_name        text,
  client_address  text,
  request_id      text
);

CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_action_at ON audit_log (action, at DESC, id DESC);

-- The default privileges of 0015 gave plain DML: take back what an append-only trail must not allow.
REVOKE ALL ON audit_log FROM pgaio_serving;
GRANT SELECT, INSERT ON audit_log TO pgaio_serving;
