#!/usr/bin/env bash
# Runs every test of PgAllInOne. On a fresh Debian machine it first installs what the tests need.
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql postgresql-contrib)
# The Chinese search test reads a real corpus: Debian's fortunes-zh (Tang and Song poems, Chinese sayings).
[ -f /usr/share/games/fortunes/tang300 ] || need+=(fortunes-zh)
# The query cache is tested against a real Redis, started privately by the tests.
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
# The dashboard is tested in a real headless browser: Debian's chromium, driven by Playwright (never a downloaded one).
[ -x /usr/bin/chromium ] || need+=(chromium)
# /metrics is checked by Prometheus' own promtool (Debian's prometheus package).
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
# PostgreSQL high availability is tested on a real Patroni cluster (three PostgreSQL nodes) coordinated by etcd; the
# Patroni image's configuration is checked with the same packages.
[ -x /usr/bin/patroni ] || need+=(patroni)
command -v etcd >/dev/null 2>&1 || need+=(etcd-server)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing ${need[*]} ..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "Missing packages: ${need[*]}. Install them (sudo apt-get install ${need[*]}) and run again." >&2
    exit 1
  fi
fi

results=$(mktemp -d)
status=0
dotnet test PgAllInOne.sln -c Release --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@" || status=$?

# One plain summary line across all test projects.
passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
echo "tests: $passed passed, $failed failed"
rm -rf "$results"
[ "$passed" -gt 0 ] || { echo "no test ran" >&2; exit 1; }
exit $status
