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
# The compose PostgreSQL's pgaudit settings are tried on a real server: the extension for this machine's PostgreSQL.
for bin in /usr/lib/postgresql/*/bin; do
  version=$(basename "$(dirname "$bin")")
  [ -f "/usr/lib/postgresql/$version/lib/pgaudit.so" ] || need+=("postgresql-$version-pgaudit")
done
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

# The classes that run alone (faults, failovers, timing bounds, the process's meters: [Trait("Runs", "Alone")]) get a
# test process of their own at normal priority; every other class runs in parallel in a second one at a lower priority
# (nice). The timed tests have the CPU when they need it, and the parallel ones use what the timed ones leave while they
# wait on a failover or a dark spell, instead of starting only after them. A --filter given here applies to both.
filter=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --filter) filter="$2"; shift 2 ;;
    --filter=*) filter="${1#--filter=}"; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
lane_filter() { if [ -n "$filter" ]; then echo "($filter)&($1)"; else echo "$1"; fi; }

dotnet build PgAllInOne.sln -c Release

results=$(mktemp -d)

# The README walk-through (ReadmeWalkthroughTests) runs the README's commands in a copy of the repository root: links to
# its entries, the folders holding projects copied without bin, obj and data. That copy and its build from nothing are
# made here, at full priority before the lanes start, rather than by the test in the lower-priority lane, where
# building took most of the run's time.
case "$filter" in
  *'Category!=EndToEnd'*) ;; # the inner loop: no walk-through to build for
  *)
    readme="$results/readme"
    mkdir -p "$readme"
    for entry in * .[!.]*; do
      case "$entry" in .git|data|TestResults) continue ;; esac
      [ -e "$entry" ] || continue
      if [ -d "$entry" ] && [ ! -L "$entry" ] && [ -n "$(find "$entry" -name '*.csproj' -print -quit)" ]; then
        tar --exclude=bin --exclude=obj --exclude=data --exclude=TestResults -cf - "$entry" | tar -xf - -C "$readme"
      else
        ln -s "$PWD/$entry" "$readme/$entry"
      fi
    done
    dotnet build "$readme/silo/PgAllInOne.Silo" -c Release -v quiet -nologo
    dotnet build "$readme/client/PgAllInOne.Cli" -c Release -v quiet -nologo
    export PGAIO_README_REPOSITORY="$readme"
    ;;
esac

status=0
lane() { # name, priority, filter: one test process; its lines prefixed with its name
  nice -n "$2" dotnet test PgAllInOne.sln -c Release --no-build --logger "trx;LogFileName=$1.trx" --results-directory "$results" \
    --filter "$(lane_filter "$3")" ${args[@]+"${args[@]}"} 2>&1 | sed -u "s/^/[$1] /"
}
lane parallel 10 'Runs!=Alone' &
parallel=$!
trap 'kill 0' INT TERM
lane alone 0 'Runs=Alone' || status=$?
wait $parallel || status=$?

# One plain summary line across all test projects.
passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
echo "tests: $passed passed, $failed failed"
[ "$status" -eq 0 ] || echo "a test run failed or was aborted (exit $status): see its lines above" >&2
rm -rf "$results"
[ "$passed" -gt 0 ] || { echo "no test ran" >&2; exit 1; }
exit $status
