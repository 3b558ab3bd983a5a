#!/usr/bin/env bash
# Issue 10: logins per second against the ceiling of the hardware, in one run. For each database:
# the reference Argon2id (argon2-cffi, one process per core, same parameters) hashes/s, then the
# server's password logins/s through the API (LOGIN_CLIENTS clients), their ratio, and an
# organisation page's latency (wrk, 64 connections) while the logins keep every core hashing.
#   MEMBERS (default 20000): demo set size; DURATION (default 20s): each measurement
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS=${MEMBERS:-20000}
DURATION=${DURATION:-20s}
LOGIN_CLIENTS=${LOGIN_CLIENTS:-32}
PG_ADMIN=${TUANJIAN_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}
CORES=$(nproc)
SECS=${DURATION%s}

for tool in wrk python3 psql bc curl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk python3 python3-venv postgresql-client bc curl
    break
  fi
done
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
VENV=$TARGET/bench-venv
if ! "$VENV/bin/python" -c 'import argon2' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q argon2-cffi
fi
# One set of build units for every benchmark script (examples turn on dev-dependencies)
cargo build --release -q -p tuanjian-web --bin tuanjian --example bench_import
cargo build --release -q -p tuanjian-app --example argon2_rate
BIN=$TARGET/release/tuanjian
WORK=$(mktemp -d)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS tj_bench_login WITH (FORCE)" >/dev/null 2>&1 || true; }
trap cleanup EXIT

echo "machine: $CORES cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); $(date -u '+%F %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %-44s %10s %9s %9s\n' database measurement value p50 p99

logins() { # seconds → wrk output of LOGIN_CLIENTS clients logging in
  BENCH_LOGIN_ID=$ADMIN_ID BENCH_LOGIN_PASSWORD=$ADMIN_PW \
    wrk -t1 -c"$LOGIN_CLIENTS" -d"$1" -s scripts/bench/login.lua http://127.0.0.1:18182/api/v1/login
}
rate() { awk '/Requests\/sec/ {print $2}'; }
bad() { awk '/Non-2xx/ {print $5}' | grep . || echo 0; }

for DB in sqlite postgres; do
  if [ "$DB" = sqlite ]; then
    URL="sqlite://$WORK/bench.db"
  else
    psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS tj_bench_login WITH (FORCE)" >/dev/null
    psql "$PG_ADMIN" -qc "CREATE DATABASE tj_bench_login" >/dev/null
    URL="${PG_ADMIN%/*}/tj_bench_login"
  fi
  "$BIN" demo --members "$MEMBERS" --database-url "$URL" > "$WORK/demo-$DB.txt" 2>/dev/null
  ADMIN_ID=$(grep -m1 '团中央管理员' "$WORK/demo-$DB.txt" | sed -E 's/.*：([0-9X]+) \/ (.*)$/\1/')
  ADMIN_PW=$(grep -m1 '团中央管理员' "$WORK/demo-$DB.txt" | sed -E 's/.*：([0-9X]+) \/ (.*)$/\2/')
  "$BIN" serve --addr 127.0.0.1:18182 --database-url "$URL" 2>"$WORK/serve-$DB.log" &
  SERVER=$!
  for _ in $(seq 1 100); do curl -fs http://127.0.0.1:18182/healthz >/dev/null 2>&1 && break; sleep 0.1; done
  mapfile -t PREP < <(python3 scripts/bench/prepare.py http://127.0.0.1:18182 "$ADMIN_ID" "$ADMIN_PW")
  COOKIE=${PREP[0]}
  ORG=${PREP[1]}

  # The ceiling right before the server's turn, so both see the same machine.
  REF=$("$VENV/bin/python" scripts/bench/argon2_reference.py "$SECS" "$CORES")
  printf '%-10s %-44s %10s\n' "$DB" "reference hashes/s (argon2-cffi, $CORES processes)" "$REF"
  OUT=$(logins "$DURATION")
  LPS=$(rate <<<"$OUT")
  printf '%-10s %-44s %10s\n' "$DB" "logins/s ($LOGIN_CLIENTS clients)" "$LPS"
  printf '%-10s %-44s %10s\n' "$DB" "logins refused (non-2xx)" "$(bad <<<"$OUT")"
  printf '%-10s %-44s %9s%%\n' "$DB" "logins / reference" "$(echo "scale=1; 100 * $LPS / $REF" | bc)"

  PAGE=$(wrk -t1 -c64 -d"$DURATION" --latency -H "Cookie: tj_session=$COOKIE" "http://127.0.0.1:18182/orgs/$ORG")
  printf '%-10s %-44s %10s %9s %9s\n' "$DB" "org page alone (64 connections)" "$(rate <<<"$PAGE")" \
    "$(awk '$1=="50%" {print $2}' <<<"$PAGE")" "$(awk '$1=="99%" {print $2}' <<<"$PAGE")"
  logins $((SECS + 2))s > "$WORK/logins.txt" &
  LOGINS=$!
  sleep 1
  PAGE=$(wrk -t1 -c64 -d"$DURATION" --latency -H "Cookie: tj_session=$COOKIE" "http://127.0.0.1:18182/orgs/$ORG")
  wait "$LOGINS" || true
  printf '%-10s %-44s %10s %9s %9s\n' "$DB" "org page while logging in (64 connections)" "$(rate <<<"$PAGE")" \
    "$(awk '$1=="50%" {print $2}' <<<"$PAGE")" "$(awk '$1=="99%" {print $2}' <<<"$PAGE")"
  printf '%-10s %-44s %10s\n' "$DB" "  logins/s meanwhile" "$(rate < "$WORK/logins.txt")"
  printf '%-10s %-44s %10s\n' "$DB" "  page errors (non-2xx)" "$(bad <<<"$PAGE")"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
