#!/bin/sh
# Every benchmark and load scenario once, one after another (about 10-15 minutes on 2 cores); logs in $OUT.
set -e
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/pgaio-bench-results}
mkdir -p "$OUT"
dotnet build benchmarks/PgAllInOne.Benchmarks -c Release -v quiet
run() { name=$1; shift; dotnet run -c Release --no-build --project benchmarks/PgAllInOne.Benchmarks -- "$@" >"$OUT/$name.log" 2>&1; echo "$name done"; }
run grain-calls --filter '*GrainCallBenchmarks*'
run local-calls local-calls 8
run state-writes --filter '*StateWriteBenchmarks*'
run remote-calls remote-calls 8
run remote-calls-tls remote-calls-tls 8
# Both processes with the gen0 budget the silo image sets (docker/Dockerfile); the scenario's silo inherits it.
(export DOTNET_GCgen0size=0x4000000; run remote-calls-gen0-64mib remote-calls 8)
run ingest --filter '*IngestBenchmarks*'
run olap --filter '*OlapBenchmarks*'
run search --filter '*SearchBenchmarks*'
run http-api http-api 8
