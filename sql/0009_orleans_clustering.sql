-- Orleans' own cluster membership (Microsoft.Orleans.Clustering.AdoNet, invariant "Npgsql"): the provider keeps no
-- SQL of its own, it reads the nine statements below from OrleansQuery at start, binds its parameters by name
-- (@DeploymentId is the cluster id) and reads result columns by name, so those are aliased to its spelling.

-- One row per cluster: the table version that every membership change must bump, from the version it read.
CREATE TABLE orleans_membership_version (
  cluster_id  text        PRIMARY KEY,
  version     integer     NOT NULL DEFAULT 0,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per silo incarnation (address, port, generation). status is Orleans' SiloStatus: 0 none, 1 created,
-- 2 joining, 3 active, 4 shutting down, 5 stopping, 6 dead. proxy_port is the gateway port, 0 when it has none.
-- suspect_times is the provider's own text, "silo address,time|..." of the votes against it.
CREATE TABLE orleans_membership (
  cluster_id       text        NOT NULL REFERENCES orleans_membership_version ON DELETE CASCADE,
  address          text        NOT NULL,
  port             integer     NOT NULL,
  generation       integer     NOT NULL,
  silo_name        text        NOT NULL,
  host_name        text        NOT NULL,
  status           integer     NOT NULL CHECK (status BETWEEN 0 AND 6),
  proxy_port       integer     NOT NULL,
  suspect_times    text,
  start_time       timestamptz NOT NULL,
  i_am_alive_time  timestamptz NOT NULL,
  PRIMARY KEY (cluster_id, address, port, generation)
);

-- The provider runs "SELECT QueryKey, QueryText FROM OrleansQuery": unquoted, so these lower-case names.
CREATE TABLE orleansquery (
  querykey   text PRIMARY KEY,
  querytext  text NOT NULL
);

-- Inserts and updates return one boolean, whether they applied: only when the table version is still @Version, and
-- then in the same statement as the bump, so a writer that read a stale version changes nothing. Reads return the
-- version row even for a cluster without silos (the provider takes the version from the first row).
INSERT INTO orleansquery (querykey, querytext) VALUES
('InsertMembershipVersionKey', $$
WITH created AS (
  INSERT INTO orleans_membership_version (cluster_id) VALUES (@DeploymentId)
  ON CONFLICT (cluster_id) DO NOTHING
  RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM created)
$$),
('InsertMembershipKey', $$
WITH bumped AS (
  UPDATE orleans_membership_version
  SET version = version + 1, updated_at = now()
  WHERE cluster_id = @DeploymentId AND version = @Version
    AND NOT EXISTS (
      SELECT 1 FROM orleans_membership
      WHERE cluster_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation)
  RETURNING cluster_id
), inserted AS (
  INSERT INTO orleans_membership
    (cluster_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive_time)
  SELECT cluster_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
  FROM bumped
  RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM inserted)
$$),
('UpdateMembershipKey', $$
WITH bumped AS (
  UPDATE orleans_membership_version
  SET version = version + 1, updated_at = now()
  WHERE cluster_id = @DeploymentId AND version = @Version
    AND EXISTS (
      SELECT 1 FROM orleans_membership
      WHERE cluster_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation)
  RETURNING cluster_id
), updated AS (
  UPDATE orleans_membership m
  SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
  FROM bumped
  WHERE m.cluster_id = bumped.cluster_id AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
  RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM updated)
$$),
-- The heartbeat: no version check and no bump, as the provider's contract asks.
('UpdateIAmAlivetimeKey', $$
UPDATE orleans_membership
SET i_am_alive_time = @IAmAliveTime
WHERE cluster_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
$$),
('MembershipReadRowKey', $$
SELECT v.version AS "Version", m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
  m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
  m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime"
FROM orleans_membership_version v
LEFT JOIN orleans_membership m
  ON m.cluster_id = v.cluster_id AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
WHERE v.cluster_id = @DeploymentId
$$),
('MembershipReadAllKey', $$
SELECT v.version AS "Version", m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
  m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
  m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime"
FROM orleans_membership_version v
LEFT JOIN orleans_membership m ON m.cluster_id = v.cluster_id
WHERE v.cluster_id = @DeploymentId
$$),
-- The whole cluster, version row included (its silos go with it, ON DELETE CASCADE).
('DeleteMembershipTableEntriesKey', $$
DELETE FROM orleans_membership_version WHERE cluster_id = @DeploymentId
$$),
-- What clients connect to: active silos that have a gateway (@Status is always 3, active).
('GatewaysQueryKey', $$
SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
FROM orleans_membership
WHERE cluster_id = @DeploymentId AND status = @Status AND proxy_port > 0
$$),
-- Dead silos silent since before the cutoff, which the provider passes as @IAmAliveTime.
('CleanupDefunctSiloEntriesKey', $$
DELETE FROM orleans_membership
WHERE cluster_id = @DeploymentId AND status = 6 AND i_am_alive_time < @IAmAliveTime
$$);
