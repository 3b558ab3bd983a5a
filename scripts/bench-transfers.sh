#!/usr/bin/env bash
# Benchmarks from issue 12 (组织关系转接 at 1,000,000 members), printed as a table: a class of
# 500 started and approved on both sides through the use cases, and a county's 办理转入 list.
# Release build; a fresh SQLite file and a fresh PostgreSQL database (tj_bench_transfers).
#   MEMBERS (default 1000000): members of the demo set (tuanjian demo --members)
#   ROUNDS (default 4): moves of the class, alternating direction and starter
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS=${MEMBERS:-1000000}
ROUNDS=${ROUNDS:-4}
PG_ADMIN=${TUANJIAN_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}
export PGOPTIONS="--client-min-messages=warning"

if ! command -v psql >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client
fi
cargo build --release -q -p tuanjian-app --example bench_transfers
BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/examples/bench_transfers
WORK=$(mktemp -d)
cleanup() { rm -rf "$WORK"; psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS tj_bench_transfers WITH (FORCE)" >/dev/null 2>&1 || true; }
trap cleanup EXIT

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); PostgreSQL $(psql "$PG_ADMIN" -Atc 'SHOW server_version' | cut -d' ' -f1); $(date -u +%F)"
"$BIN" "sqlite://$WORK/transfers.db" --members "$MEMBERS" --rounds "$ROUNDS"
psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS tj_bench_transfers WITH (FORCE)" >/dev/null
psql "$PG_ADMIN" -qc "CREATE DATABASE tj_bench_transfers" >/dev/null
"$BIN" "${PG_ADMIN%/*}/tj_bench_transfers" --members "$MEMBERS" --rounds "$ROUNDS" --no-header
