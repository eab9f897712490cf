-- Least privilege. pgaio_serving is a NOLOGIN group role holding only the DML each table needs; the silo grants it
-- at start (with the admin connection, ConnectionStrings:PostgresAdmin) to whatever role ConnectionStrings:Postgres
-- logs in as. The role that runs the migrations owns every object: DDL (migrations, partition upkeep) and the
-- maintenance deletions stay with it. Roles belong to the whole server, so another database's migration may have
-- created pgaio_serving already, or be creating it right now.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pgaio_serving') THEN
    CREATE ROLE pgaio_serving NOLOGIN;
  END IF;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN
    NULL;
  WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'The role pgaio_serving does not exist and % may not create roles', current_user
      USING HINT = 'As a superuser run: CREATE ROLE pgaio_serving NOLOGIN; (or give the owner CREATEROLE), then start the silo again.';
END
$$;

-- Nobody but the owners creates objects here; temporary tables are no need of the silo's either.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO pgaio_serving;
DO $$
BEGIN
  EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
END
$$;

-- Tables of earlier migrations not named below (none today) get plain DML; those named get only what they need.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO pgaio_serving;
REVOKE ALL ON schema_migrations, users, events, metrics, records, documents, query_cache_generation, api_keys,
  grain_state, group_commit_log, orleans_membership_version, orleans_membership, orleansquery FROM pgaio_serving;

GRANT SELECT ON schema_migrations TO pgaio_serving;                    -- readiness: are the migrations applied
GRANT SELECT, INSERT, UPDATE ON users TO pgaio_serving;                -- created, profile and event count updated
GRANT SELECT, INSERT ON events TO pgaio_serving;                       -- appended; maintenance moves them
GRANT SELECT, INSERT ON metrics TO pgaio_serving;                      -- appended (COPY); retention drops partitions
GRANT SELECT, INSERT, UPDATE, DELETE ON records TO pgaio_serving;      -- upsert, versioned update, delete
GRANT SELECT, INSERT, UPDATE, DELETE ON documents TO pgaio_serving;    -- create, replace, delete
GRANT SELECT, UPDATE ON query_cache_generation TO pgaio_serving;       -- the generation bumped on invalidation
GRANT SELECT, INSERT, UPDATE ON api_keys TO pgaio_serving;             -- created, revoked (never deleted)
GRANT SELECT, INSERT, UPDATE ON grain_state TO pgaio_serving;          -- cleared state is an update
GRANT SELECT, INSERT, UPDATE ON group_commit_log TO pgaio_serving;     -- logged, fenced; maintenance purges
GRANT SELECT, INSERT, UPDATE ON orleans_membership_version TO pgaio_serving;         -- Orleans' ADO.NET clustering
GRANT SELECT, INSERT, UPDATE, DELETE ON orleans_membership TO pgaio_serving;         -- (defunct silos are deleted)
GRANT SELECT ON orleansquery TO pgaio_serving;                                       -- the provider's queries

GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO pgaio_serving;

-- Partitions are reached through their parents, whose rights PostgreSQL checks: none of their own (maintenance revokes
-- the default ones from each partition it creates).
DO $$
DECLARE
  part regclass;
BEGIN
  FOR part IN SELECT oid::regclass FROM pg_class WHERE relispartition AND relkind = 'r' AND relnamespace = 'public'::regnamespace LOOP
    EXECUTE format('REVOKE ALL ON %s FROM pgaio_serving', part);
  END LOOP;
END
$$;

-- What later migrations (run by this same owner) and partition upkeep create: plain DML, never DDL or TRUNCATE.
-- A later migration that wants less revokes it there, as this one does above.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO pgaio_serving;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO pgaio_serving;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO pgaio_serving;
