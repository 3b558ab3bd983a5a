#!/usr/bin/env bash
# Benchmarks from issue 4 (member lists and entry at 1,000,000 members), printed as a table.
# Release build; a fresh SQLite file and a fresh PostgreSQL database (tj_bench_members).
#   MEMBERS (default 1000000): members of the demo set (tuanjian demo --members)
#   ADDS (default 300): members added one by one in the timed entry
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS=${MEMBERS:-1000000}
ADDS=${ADDS:-300}
PG_ADMIN=${TUANJIAN_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}
export PGOPTIONS="--client-min-messages=warning"

if ! command -v psql >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client
fi
cargo build --release -q -p tuanjian-demo --example bench_members
BIN=$PWD/target/release/examples/bench_members
WORK=$(mktemp -d)
cleanup() { rm -rf "$WORK"; psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS tj_bench_members WITH (FORCE)" >/dev/null 2>&1 || true; }
trap cleanup EXIT

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); PostgreSQL $(psql "$PG_ADMIN" -Atc 'SHOW server_version' | cut -d' ' -f1); $(date -u +%F)"
"$BIN" "sqlite://$WORK/members.db" --members "$MEMBERS" --adds "$ADDS"
psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS tj_bench_members WITH (FORCE)" >/dev/null
psql "$PG_ADMIN" -qc "CREATE DATABASE tj_bench_members" >/dev/null
"$BIN" "${PG_ADMIN%/*}/tj_bench_members" --members "$MEMBERS" --adds "$ADDS" --no-header
