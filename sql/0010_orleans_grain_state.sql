-- Grain state of Orleans grains: the whole grain id (type and key text, never parsed), the state name and the
-- service as the primary key; the state as readable JSONB; a version for conditional writes. It replaces the table
-- of the earlier runtime, whose grain type names Orleans does not share.
DROP TABLE grain_state;

CREATE TABLE grain_state (
  service_id  text        NOT NULL,
  grain_type  text        NOT NULL,
  grain_key   text        NOT NULL,
  state_name  text        NOT NULL,
  version     bigint      NOT NULL CHECK (version > 0),
  state       jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (service_id, grain_type, grain_key, state_name)
);
