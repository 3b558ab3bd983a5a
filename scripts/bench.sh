#!/usr/bin/env bash
# Benchmarks from issue 2, printed as a table. Release build; SQLite and PostgreSQL.
#   MEMBERS (default 100000): size of the demo set the pages are measured on
#   BIG (default 1000000): size of the timed demo generation on SQLite (0 to skip)
#   DURATION (default 10s): each wrk run
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS=${MEMBERS:-100000}
BIG=${BIG:-1000000}
DURATION=${DURATION:-10s}
PG_ADMIN=${TUANJIAN_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}

for tool in wrk python3 psql bc curl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk python3 postgresql-client bc curl
    break
  fi
done
cargo build --release -q -p tuanjian-web
BIN=$PWD/target/release/tuanjian
WORK=$(mktemp -d)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS tj_bench WITH (FORCE)" >/dev/null 2>&1 || true; }
trap cleanup EXIT

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); $(date -u +%F)"
printf '%-10s %-34s %12s %9s %9s\n' database measurement req/s p50 p99

wrk_line() { # label url cookie → one table row
  local out rps p50 p99
  out=$(wrk -t2 -c64 -d"$DURATION" --latency -H "Cookie: tj_session=$3" "$2")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  printf '%-10s %-34s %12s %9s %9s\n' "$DB" "$1" "$rps" "$p50" "$p99"
}

for DB in sqlite postgres; do
  if [ "$DB" = sqlite ]; then
    URL="sqlite://$WORK/bench.db"
  else
    psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS tj_bench WITH (FORCE)" >/dev/null
    psql "$PG_ADMIN" -qc "CREATE DATABASE tj_bench" >/dev/null
    URL="${PG_ADMIN%/*}/tj_bench"
  fi
  start=$(date +%s.%N)
  "$BIN" demo --members "$MEMBERS" --database-url "$URL" > "$WORK/demo-$DB.txt" 2>/dev/null
  printf '%-10s %-34s %12s\n' "$DB" "demo --members $MEMBERS (seconds)" "$(echo "$(date +%s.%N) - $start" | bc)"
  ADMIN_ID=$(grep -m1 '团中央管理员' "$WORK/demo-$DB.txt" | sed -E 's/.*：([0-9X]+) \/ (.*)$/\1/')
  ADMIN_PW=$(grep -m1 '团中央管理员' "$WORK/demo-$DB.txt" | sed -E 's/.*：([0-9X]+) \/ (.*)$/\2/')
  "$BIN" serve --addr 127.0.0.1:18181 --database-url "$URL" 2>"$WORK/serve-$DB.log" &
  SERVER=$!
  for _ in $(seq 1 100); do curl -fs http://127.0.0.1:18181/healthz >/dev/null 2>&1 && break; sleep 0.1; done
  mapfile -t PREP < <(python3 scripts/bench/prepare.py http://127.0.0.1:18181 "$ADMIN_ID" "$ADMIN_PW")
  COOKIE=${PREP[0]}
  ORG=${PREP[1]}
  wrk_line "/healthz (static)" http://127.0.0.1:18181/healthz "$COOKIE"
  wrk_line "home (signed in)" http://127.0.0.1:18181/ "$COOKIE"
  wrk_line "organisation page /orgs/$ORG" "http://127.0.0.1:18181/orgs/$ORG" "$COOKIE"
  # 20 clients keep logging in while the pages are measured again.
  BENCH_LOGIN_ID=$ADMIN_ID BENCH_LOGIN_PASSWORD=$ADMIN_PW \
    wrk -t1 -c20 -d"$DURATION" -s scripts/bench/login.lua http://127.0.0.1:18181/api/v1/login > "$WORK/logins.txt" &
  LOGINS=$!
  sleep 1
  wrk_line "home, 20 clients logging in" http://127.0.0.1:18181/ "$COOKIE"
  wait "$LOGINS" || true
  BENCH_LOGIN_ID=$ADMIN_ID BENCH_LOGIN_PASSWORD=$ADMIN_PW \
    wrk -t1 -c20 -d"$DURATION" -s scripts/bench/login.lua http://127.0.0.1:18181/api/v1/login > "$WORK/logins.txt" &
  LOGINS=$!
  sleep 1
  wrk_line "org page, 20 clients logging in" "http://127.0.0.1:18181/orgs/$ORG" "$COOKIE"
  wait "$LOGINS" || true
  printf '%-10s %-34s %12s\n' "$DB" "logins/s (20 clients)" "$(awk '/Requests\/sec/ {print $2}' "$WORK/logins.txt")"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
done

if [ "$BIG" -gt 0 ]; then
  start=$(date +%s.%N)
  "$BIN" demo --members "$BIG" --database-url "sqlite://$WORK/big.db" >/dev/null 2>&1
  printf '%-10s %-34s %12s\n' sqlite "demo --members $BIG (seconds)" "$(echo "$(date +%s.%N) - $start" | bc)"
fi
