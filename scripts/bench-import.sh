#!/usr/bin/env bash
# Benchmark from issue 5: validate and commit a 10,000-row and a 100,000-row members file with
# `tuanjian import` (release build) on SQLite and on PostgreSQL, into a database holding the demo
# set (DEMO_MEMBERS, default 200,000 members). Prints rows per second and peak memory (maximum
# resident set size from /usr/bin/time -v). Targets: 10k < 2 s, 100k < 20 s, < 500 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
DEMO_MEMBERS=${DEMO_MEMBERS:-200000}
SIZES=${SIZES:-"10000 100000"}
PG_ADMIN=${TUANJIAN_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}
export PGOPTIONS="--client-min-messages=warning"

if ! command -v psql >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client
fi
cargo build --release -q -p tuanjian-web --bin tuanjian --example bench_import
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
TJ=$TARGET/release/tuanjian
PREP=$TARGET/release/examples/bench_import
WORK=$(mktemp -d)
cleanup() { rm -rf "$WORK"; psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS tj_bench_import WITH (FORCE)" >/dev/null 2>&1 || true; }
trap cleanup EXIT

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); PostgreSQL $(psql "$PG_ADMIN" -Atc 'SHOW server_version' | cut -d' ' -f1); $(date -u +%F)"
printf "%-10s %8s %9s %9s %10s %9s\n" database rows seconds rows/s "peak MB" result

run() { # database-kind url
  local kind=$1 url=$2
  "$TJ" init --admin-id 11010519491231002X --generate-password --database-url "$url" >/dev/null
  "$TJ" demo --members "$DEMO_MEMBERS" --database-url "$url" >/dev/null
  for n in $SIZES; do
    local file="$WORK/members-$kind-$n.xlsx"
    local org
    org=$("$PREP" "$url" "$n" "$file")
    local status=0
    /usr/bin/time -v -o "$WORK/time" "$TJ" import --org "$org" --template members "$file" \
      --database-url "$url" --format json >"$WORK/out" 2>"$WORK/err" || status=$?
    local secs kb
    secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$WORK/time")
    kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time")
    local result
    result=$(tail -1 "$WORK/out" | grep -o '"committed":[a-z]*' || true)
    [ "$status" = 0 ] || result="exit $status: $(tail -1 "$WORK/out" | cut -c1-200)"
    printf "%-10s %8d %9.2f %9.0f %10.0f %9s\n" "$kind" "$n" "$secs" "$(echo "$n / $secs" | bc -l)" "$(echo "$kb / 1024" | bc -l)" "$result"
  done
}

run sqlite "sqlite://$WORK/import.db"
psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS tj_bench_import WITH (FORCE)" >/dev/null
psql "$PG_ADMIN" -qc "CREATE DATABASE tj_bench_import" >/dev/null
run postgres "${PG_ADMIN%/*}/tj_bench_import"
