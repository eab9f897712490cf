-- Cluster membership: each silo inserts itself, heartbeats, and any live silo may declare a silent one dead.
CREATE TABLE silo_membership (
  cluster_id        text        NOT NULL,
  silo_id           text        NOT NULL,
  generation        bigint      NOT NULL,
  endpoint          text        NOT NULL,
  status            text        NOT NULL CHECK (status IN ('active', 'shutting_down', 'dead')),
  started_at        timestamptz NOT NULL DEFAULT now(),
  last_heartbeat    timestamptz NOT NULL DEFAULT now(),
  declared_dead_by  text,
  PRIMARY KEY (cluster_id, silo_id)
);

CREATE INDEX silo_membership_live ON silo_membership (cluster_id) WHERE status <> 'dead';
