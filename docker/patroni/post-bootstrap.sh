#!/bin/sh
# Run by Patroni once, on the node that initialised the cluster, with a connection string to it as $1
# (superuser). Creates the silos' account and database; the standbys clone them.
set -eu
: "${PGAIO_PASSWORD:?PGAIO_PASSWORD must be set}"
psql "$1" -v ON_ERROR_STOP=1 -v password="$PGAIO_PASSWORD" <<'SQL'
CREATE ROLE pgaio LOGIN PASSWORD :'password';
CREATE DATABASE pgaio OWNER pgaio;
\connect pgaio
-- pg_stat_statements is preloaded (patroni.yml); the extension makes its view queryable in the silos' database.
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
SQL
