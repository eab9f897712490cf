#!/bin/sh
# Run by Patroni once, on the node that initialised the cluster, with a connection string to it as $1 (superuser).
# Creates the silos' owner pgaio (ConnectionStrings:PostgresAdmin: migrations, maintenance) with its database, and, as
# docker/postgres/init-roles.sh does, the serving login pgaio_app (ConnectionStrings:Postgres) in the group role
# pgaio_serving that the silos' migrations grant the serving rights to. The standbys clone them.
set -eu
owner_password="$(cat "${PGAIO_PASSWORD_FILE:-/run/secrets/postgres_password}")"
serving_password="$(cat "${PGAIO_SERVING_PASSWORD_FILE:-/run/secrets/pgaio_serving_password}")"
psql "$1" -v ON_ERROR_STOP=1 --no-psqlrc -v password="$owner_password" -v serving_password="$serving_password" <<'SQL'
-- This session audits nothing: pgaudit would otherwise write the statements below, passwords and all, to the log.
SET pgaudit.log = 'none';
CREATE ROLE pgaio LOGIN PASSWORD :'password';
CREATE ROLE pgaio_serving NOLOGIN;
CREATE ROLE pgaio_app LOGIN PASSWORD :'serving_password' IN ROLE pgaio_serving;
CREATE DATABASE pgaio OWNER pgaio;
\connect pgaio
-- pg_stat_statements and pgaudit are preloaded (patroni.yml); the extensions make pg_stat_statements' view queryable
-- in the silos' database and let pgaudit name the objects of DDL statements.
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE EXTENSION IF NOT EXISTS pgaudit;
SQL
