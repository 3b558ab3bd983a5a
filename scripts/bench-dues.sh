#!/usr/bin/env bash
# Benchmarks from issue 16 (团费), printed as a table: a month of dues recorded for a branch of
# about 50 members in one request, and the arrears list and yearly totals of the largest
# province (and of 团中央, for the record) with twelve months of dues for every member, at
# 1,000,000 members.
# Release build; a fresh SQLite file and a fresh PostgreSQL database (tj_bench_dues).
#   MEMBERS (default 1000000): members of the demo set (tuanjian demo --members)
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS=${MEMBERS:-1000000}
PG_ADMIN=${TUANJIAN_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}
export PGOPTIONS="--client-min-messages=warning"

if ! command -v psql >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client
fi
cargo build --release -q -p tuanjian-app --example bench_dues
BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/examples/bench_dues
WORK=$(mktemp -d)
cleanup() { rm -rf "$WORK"; psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS tj_bench_dues WITH (FORCE)" >/dev/null 2>&1 || true; }
trap cleanup EXIT

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); PostgreSQL $(psql "$PG_ADMIN" -Atc 'SHOW server_version' | cut -d' ' -f1); $(date -u +%F)"
"$BIN" "sqlite://$WORK/dues.db" --members "$MEMBERS"
psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS tj_bench_dues WITH (FORCE)" >/dev/null
psql "$PG_ADMIN" -qc "CREATE DATABASE tj_bench_dues" >/dev/null
"$BIN" "${PG_ADMIN%/*}/tj_bench_dues" --members "$MEMBERS" --no-header
