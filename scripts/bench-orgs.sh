#!/usr/bin/env bash
# Benchmarks from issue 3 (the organisation tree at 200,000 organisations), printed as a table.
# Release build; a fresh SQLite file and a fresh PostgreSQL database (tj_bench_orgs).
#   ORGS (default 200000): organisations of the demo set (tuanjian demo --orgs)
#   MEMBERS (default 200000): its members (raised to one per branch)
set -euo pipefail
cd "$(dirname "$0")/.."
ORGS=${ORGS:-200000}
MEMBERS=${MEMBERS:-200000}
PG_ADMIN=${TUANJIAN_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}
export PGOPTIONS="--client-min-messages=warning"

if ! command -v psql >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client
fi
cargo build --release -q -p tuanjian-demo --example bench_orgs
BIN=$PWD/target/release/examples/bench_orgs
WORK=$(mktemp -d)
cleanup() { rm -rf "$WORK"; psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS tj_bench_orgs WITH (FORCE)" >/dev/null 2>&1 || true; }
trap cleanup EXIT

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); PostgreSQL $(psql "$PG_ADMIN" -Atc 'SHOW server_version' | cut -d' ' -f1); $(date -u +%F)"
"$BIN" "sqlite://$WORK/orgs.db" --orgs "$ORGS" --members "$MEMBERS"
psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS tj_bench_orgs WITH (FORCE)" >/dev/null
psql "$PG_ADMIN" -qc "CREATE DATABASE tj_bench_orgs" >/dev/null
"$BIN" "${PG_ADMIN%/*}/tj_bench_orgs" --orgs "$ORGS" --members "$MEMBERS" --no-header
