#!/usr/bin/env bash
# Benchmarks from issue 15 (两制: 团员教育评议 and 团籍注册), printed as a table: a branch of
# about 50 graded and submitted in one request each, and the progress view of a 团委 over 1,000
# child branches (and of the largest province), at 1,000,000 members.
# Release build; a fresh SQLite file and a fresh PostgreSQL database (tj_bench_reviews).
#   MEMBERS (default 1000000): members of the demo set (tuanjian demo --members)
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS=${MEMBERS:-1000000}
PG_ADMIN=${TUANJIAN_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}
export PGOPTIONS="--client-min-messages=warning"

if ! command -v psql >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client
fi
cargo build --release -q -p tuanjian-app --example bench_reviews
BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/examples/bench_reviews
WORK=$(mktemp -d)
cleanup() { rm -rf "$WORK"; psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS tj_bench_reviews WITH (FORCE)" >/dev/null 2>&1 || true; }
trap cleanup EXIT

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); PostgreSQL $(psql "$PG_ADMIN" -Atc 'SHOW server_version' | cut -d' ' -f1); $(date -u +%F)"
"$BIN" "sqlite://$WORK/reviews.db" --members "$MEMBERS"
psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS tj_bench_reviews WITH (FORCE)" >/dev/null
psql "$PG_ADMIN" -qc "CREATE DATABASE tj_bench_reviews" >/dev/null
"$BIN" "${PG_ADMIN%/*}/tj_bench_reviews" --members "$MEMBERS" --no-header
