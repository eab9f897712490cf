#!/bin/sh
# Runs once, when the data volume is empty (as POSTGRES_USER, the owner the silos migrate and maintain with:
# ConnectionStrings:PostgresAdmin). Creates the silos' serving login (ConnectionStrings:Postgres) and the group role
# pgaio_serving that the silos' migrations grant the serving rights to; the login is a member from the start.
set -eu
serving_password="$(cat "${PGAIO_SERVING_PASSWORD_FILE:-/run/secrets/pgaio_serving_password}")"
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -v serving_password="$serving_password" <<'SQL'
-- This session audits nothing: pgaudit would otherwise write the statement below, password and all, to the log.
SET pgaudit.log = 'none';
CREATE ROLE pgaio_serving NOLOGIN;
CREATE ROLE pgaio_app LOGIN PASSWORD :'serving_password' IN ROLE pgaio_serving;
SQL
