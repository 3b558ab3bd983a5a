#!/usr/bin/env bash
# Issue 10: a SQLite server's memory against its page-cache budget (--sqlite-cache-mib). On the
# MEMBERS-member demo set (default 1000000), for each budget in BUDGETS (MiB, default "64 1536"):
# start a release server, load pages with wrk (64 connections, DURATION each: the home page, a
# county committee's page and its member list, the member list of 团中央), and print the pages' speed and the server's
# resident memory (VmRSS) after each page's load.
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS=${MEMBERS:-1000000}
BUDGETS=${BUDGETS:-"64 1536"}
DURATION=${DURATION:-20s}
PORT=18184
BASE=http://127.0.0.1:$PORT
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
# One set of build units for every benchmark script (examples turn on dev-dependencies)
cargo build --release -q -p tuanjian-web --bin tuanjian --example bench_import
cargo build --release -q -p tuanjian-app --example argon2_rate
BIN=$TARGET/release/tuanjian
WORK=$(mktemp -d)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

DB=$WORK/memory.db
"$BIN" demo --members "$MEMBERS" --database-url "sqlite://$DB" > "$WORK/demo.txt" 2>/dev/null
ADMIN_ID=$(grep -m1 '团中央管理员' "$WORK/demo.txt" | sed -E 's/.*：([0-9X]+) \/ (.*)$/\1/')
ADMIN_PW=$(grep -m1 '团中央管理员' "$WORK/demo.txt" | sed -E 's/.*：([0-9X]+) \/ (.*)$/\2/')
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); $(date -u '+%F %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "database: $(du -m "$DB" | cut -f1) MB"
printf '%-8s %-26s %10s %9s %9s %10s\n' "budget" page req/s p50 p99 "RSS MB"
for MIB in $BUDGETS; do
  "$BIN" serve --addr "127.0.0.1:$PORT" --database-url "sqlite://$DB" --sqlite-cache-mib "$MIB" 2>"$WORK/serve.log" &
  SERVER=$!
  for _ in $(seq 1 100); do curl -fs "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  mapfile -t PREP < <(python3 scripts/bench/prepare.py "$BASE" "$ADMIN_ID" "$ADMIN_PW")
  printf '%-8s %-26s %10s %9s %9s %10s\n' "$MIB" "(started)" "" "" "" "$(rss_mb "$SERVER")"
  # The last page counts and lists all members under 团中央: it reads the whole members table.
  for page in "/" "/orgs/${PREP[1]}" "/orgs/${PREP[1]}/members" "/orgs/1/members"; do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: tj_session=${PREP[0]}" "$BASE$page")" = 200 ] || { echo "$page did not answer 200" >&2; exit 1; }
    OUT=$(wrk -t2 -c64 -d"$DURATION" --latency -H "Cookie: tj_session=${PREP[0]}" "$BASE$page")
    printf '%-8s %-26s %10s %9s %9s %10s\n' "$MIB" "$page" "$(awk '/Requests\/sec/ {print $2}' <<<"$OUT")" \
      "$(awk '$1=="50%" {print $2}' <<<"$OUT")" "$(awk '$1=="99%" {print $2}' <<<"$OUT")" "$(rss_mb "$SERVER")"
  done
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
done
