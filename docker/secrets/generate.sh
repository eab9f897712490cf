#!/bin/sh
# Creates the compose deployment's secrets once, with random passwords, in this folder (kept out of git):
#   postgres_password           the owner's (POSTGRES_USER pgaio), read by PostgreSQL
#   pgaio_serving_password      the serving login's (pgaio_app), read by docker/postgres/init-roles.sh
#   postgres-admin.connection   ConnectionStrings:PostgresAdmin of the silos (owner: migrations, maintenance)
#   postgres.connection         ConnectionStrings:Postgres of the silos (serving: DML only)
#   postgres-admin.ha.connection, postgres.ha.connection
#                               the same for docker-compose.ha.yml: the three Patroni hosts, each verified as "postgres"
#                               is (postgres.crt of docker/make-certificates.sh names pg1, pg2 and pg3 too)
# The folder is private to its owner (0700); the files are readable by the containers' own accounts.
set -eu
cd "$(dirname "$0")"
chmod 700 .
[ -e postgres_password ] && { echo "secrets exist already in $(pwd); remove them to start over" >&2; exit 1; }
umask 022
owner="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
serving="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s' "$owner" > postgres_password
printf '%s' "$serving" > pgaio_serving_password
# PostgreSQL over TLS: its certificate checked against the cluster's authority (docker/make-certificates.sh) and the host name.
tls='SSL Mode=VerifyFull;Root Certificate=/run/secrets/ca.crt'
printf 'Host=postgres;Port=5432;Username=pgaio;Password=%s;Database=pgaio;%s' "$owner" "$tls" > postgres-admin.connection
printf 'Host=postgres;Port=5432;Username=pgaio_app;Password=%s;Database=pgaio;%s' "$serving" "$tls" > postgres.connection
patroni='pg1:5432,pg2:5432,pg3:5432'
printf 'Host=%s;Username=pgaio;Password=%s;Database=pgaio;%s' "$patroni" "$owner" "$tls" > postgres-admin.ha.connection
printf 'Host=%s;Username=pgaio_app;Password=%s;Database=pgaio;%s' "$patroni" "$serving" "$tls" > postgres.ha.connection
echo "secrets written to $(pwd)"
