-- Generic grain state: readable JSONB, keyed by grain type, key and state name, versioned for conditional writes.
CREATE TABLE grain_state (
  grain_type  text        NOT NULL,
  grain_key   text        NOT NULL,
  state_name  text        NOT NULL,
  version     bigint      NOT NULL CHECK (version > 0),
  payload     jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (grain_type, grain_key, state_name)
);
