#!/usr/bin/env bash
# Creates the certificates of a PgAllInOne cluster with openssl, into the folder given (default: docker/tls):
#   ca.crt / ca.key            the cluster's own authority (keep ca.key offline: whoever has it can join the cluster)
#   silo.crt / silo.key        the silos' certificate (serverAuth + clientAuth: a silo accepts and opens connections)
#   client.crt / client.key    a cluster client's certificate (clientAuth), for AddPgAllInOneClient
#   postgres.crt / postgres.key  PostgreSQL's server certificate for the host names given in PG_HOSTS (default:
#                              postgres,pg1,pg2,pg3,localhost: docker-compose.yml's server and docker-compose.ha.yml's
#                              three Patroni nodes, which share it)
# Usage: docker/make-certificates.sh [folder]    (DAYS=825 and PG_HOSTS="postgres,pg1,pg2,pg3,localhost" may be set)
set -euo pipefail

out="${1:-$(dirname "$0")/tls}"
days="${DAYS:-825}"
pg_hosts="${PG_HOSTS:-postgres,pg1,pg2,pg3,localhost}"
mkdir -p "$out"
chmod 0700 "$out"
cd "$out"

# The authority: an EC P-256 key and a self-signed CA certificate.
openssl ecparam -name prime256v1 -genkey -noout -out ca.key
openssl req -x509 -new -key ca.key -sha256 -days "$days" -subj "/CN=PgAllInOne cluster CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.crt

# issue NAME EXTENDED_KEY_USAGE [SUBJECT_ALT_NAMES]
issue() {
  local name="$1" usage="$2" names="${3:-}"
  openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out "$name.key"
  openssl req -new -key "$name.key" -subj "/CN=pgallinone-$name" -out "$name.csr"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyAgreement"
    echo "extendedKeyUsage=$usage"
    if [ -n "$names" ]; then echo "subjectAltName=$names"; fi
  } > "$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -sha256 -days "$days" -extfile "$name.ext" -out "$name.crt"
  rm "$name.csr" "$name.ext"
}

issue silo "serverAuth,clientAuth" "DNS:pgallinone-silo,DNS:localhost,IP:127.0.0.1"
issue client "clientAuth"
issue postgres "serverAuth" "$(echo "$pg_hosts" | sed 's/[^,]*/DNS:&/g')"

# The keys stay readable by their owner only; compose's containers run as other users and read their files through
# the secrets it mounts, so the keys they need are readable inside this folder (mode 0700 keeps it private).
chmod 0600 ca.key client.key
chmod 0644 silo.key postgres.key ca.crt silo.crt client.crt postgres.crt
rm -f ca.srl
echo "certificates written to $out"
