#!/usr/bin/env bash
# Benchmark from issue 10: peak memory of the server (release build) while three admins upload at
# once, each to their own organisation through the API, the same file: one inline-string cell of
# 390 MiB, the same as a shared string, 100,000 rows of 1,000-character cells, and (each admin
# their own) 100,000 valid rows. Prints, per database and file, the server's peak resident set
# size (VmHWM from /proc/PID/status, the server restarted for every file) and how the jobs ended.
# Target: under 500 MB for every file, three at once.
set -euo pipefail
cd "$(dirname "$0")/.."
PG_ADMIN=${TUANJIAN_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}
ADDR=${ADDR:-127.0.0.1:18410}
FILES=${FILES:-"inline shared many valid"}
export PGOPTIONS="--client-min-messages=warning"

for tool in psql curl jq; do
  if ! command -v $tool >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client curl jq
  fi
done
cargo build --release -q -p tuanjian-web --bin tuanjian --example bench_import_memory
TJ=$PWD/target/release/tuanjian
PREP=$PWD/target/release/examples/bench_import_memory
WORK=$(mktemp -d)
SERVER=""
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
  rm -rf "$WORK"
  psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS tj_bench_import_memory WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); $(date -u '+%F %H:%M UTC'); load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-9s %-7s %9s %9s  %s\n" database file "upload KB" "peak MB" "jobs (state: first fault or message)"

run() { # database-kind url
  local kind=$1 url=$2
  "$TJ" init --admin-id 11010519491231002X --generate-password --database-url "$url" >/dev/null
  "$PREP" "$url" "$WORK" >"$WORK/admins"
  for file in $FILES; do
    "$TJ" serve --addr "$ADDR" --database-url "$url" >"$WORK/server.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 600); do curl -sf "http://$ADDR/healthz" >/dev/null && break; sleep 0.1; done
    local k=0 pids=() size=0
    while read -r org id password; do
      local f="$WORK/$file.xlsx"
      [ "$file" = valid ] && f="$WORK/valid-$k.xlsx"
      size=$(($(stat -c %s "$f") / 1024))
      token=$(curl -sf "http://$ADDR/api/v1/login" -H 'content-type: application/json' \
        -d "{\"id_number\":\"$id\",\"password\":\"$password\"}" | jq -r .token)
      (
        job=$(curl -s "http://$ADDR/api/v1/orgs/$org/import/members" -H "authorization: Bearer $token" \
          -F "file=@$f" | jq -r .job.id)
        while :; do
          body=$(curl -s "http://$ADDR/api/v1/orgs/$org/import/jobs/$job" -H "authorization: Bearer $token")
          [ "$(jq -r .job.state <<<"$body")" != running ] && break
          sleep 0.5
        done
        jq -r '"\(.job.state): \(.faults[0].message // .job.message // "")"' <<<"$body" | cut -c1-90 >"$WORK/result-$k"
      ) &
      pids+=($!)
      k=$((k + 1))
    done <"$WORK/admins"
    wait "${pids[@]}"
    local hwm
    hwm=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER/status")
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
    printf "%-9s %-7s %9d %9.0f  %s\n" "$kind" "$file" "$size" "$(echo "$hwm / 1024" | bc -l)" "$(cat "$WORK"/result-* | paste -sd'|')"
    rm -f "$WORK"/result-*
  done
}

run sqlite "sqlite://$WORK/import.db"
psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS tj_bench_import_memory WITH (FORCE)" >/dev/null
psql "$PG_ADMIN" -qc "CREATE DATABASE tj_bench_import_memory" >/dev/null
run postgres "${PG_ADMIN%/*}/tj_bench_import_memory"
