#!/usr/bin/env bash
# Soak run (issue 10): DURATION (default 10m) of mixed traffic at CONNECTIONS (default 64)
# against a release server on the MEMBERS-member demo set (default 100000), on SQLite and then on
# PostgreSQL: pages and API reads of a signed-in admin, a password login every SOAK_LOGIN_EVERY
# requests (default 200), and an Excel import of IMPORT_ROWS members (default 10000) through the
# API once the run is a minute old. Samples the server's resident memory every minute and prints
# a table; fails if any answer was a server error (5xx). Traffic goes to 127.0.0.1 only; not in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10m}
CONNECTIONS=${CONNECTIONS:-64}
MEMBERS=${MEMBERS:-100000}
IMPORT_ROWS=${IMPORT_ROWS:-10000}
export SOAK_LOGIN_EVERY=${SOAK_LOGIN_EVERY:-200}
DATABASES=${DATABASES:-"sqlite postgres"}
PG_ADMIN=${TUANJIAN_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}
PORT=${SOAK_PORT:-18183}
PGDB=tj_soak_$PORT
BASE=http://127.0.0.1:$PORT
export PGOPTIONS="--client-min-messages=warning"

case $DURATION in
  *m) SECONDS_TOTAL=$((${DURATION%m} * 60)) ;;
  *s) SECONDS_TOTAL=${DURATION%s} ;;
  *) echo "DURATION 写成 10m 或 600s 的形式" >&2; exit 2 ;;
esac
for tool in wrk python3 psql curl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk python3 postgresql-client curl
    break
  fi
done
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
# One set of build units for every benchmark script (examples turn on dev-dependencies)
cargo build --release -q -p tuanjian-web --bin tuanjian --example bench_import
cargo build --release -q -p tuanjian-app --example argon2_rate
BIN=$TARGET/release/tuanjian
PREP_IMPORT=$TARGET/release/examples/bench_import
WORK=$(mktemp -d)
SERVER=""
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null
  rm -rf "$WORK"
  psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
# Sum of the server's own 5xx counters (every route, the import's requests included).
metrics_5xx() { curl -fs "$BASE/metrics" | awk '/^tuanjian_http_requests_total/ && /status="5/ {s += $NF} END {print s + 0}'; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); $(date -u '+%F %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "soak: $DURATION, $CONNECTIONS connections, $MEMBERS members, a login every $SOAK_LOGIN_EVERY requests, import of $IMPORT_ROWS rows"
FAILED=0
for DB in $DATABASES; do
  if [ "$DB" = sqlite ]; then
    URL="sqlite://$WORK/soak.db"
  else
    psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" >/dev/null
    psql "$PG_ADMIN" -qc "CREATE DATABASE $PGDB" >/dev/null
    URL="${PG_ADMIN%/*}/$PGDB"
  fi
  "$BIN" demo --members "$MEMBERS" --database-url "$URL" > "$WORK/demo-$DB.txt" 2>/dev/null
  export SOAK_LOGIN_ID SOAK_LOGIN_PASSWORD SOAK_COOKIE SOAK_ORG SOAK_TOKEN
  SOAK_LOGIN_ID=$(grep -m1 '团中央管理员' "$WORK/demo-$DB.txt" | sed -E 's/.*：([0-9X]+) \/ (.*)$/\1/')
  SOAK_LOGIN_PASSWORD=$(grep -m1 '团中央管理员' "$WORK/demo-$DB.txt" | sed -E 's/.*：([0-9X]+) \/ (.*)$/\2/')
  SCHOOL=$("$PREP_IMPORT" "$URL" "$IMPORT_ROWS" "$WORK/import.xlsx")
  # An import is the organisation's own admins' work: the demo's 团中央 admin becomes one of the
  # school's admins too (test data, written before the server starts).
  if [ "$DB" = sqlite ]; then
    SCHOOL_ID=$(python3 - "$WORK/soak.db" "$SCHOOL" "$SOAK_LOGIN_ID" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
school = db.execute("SELECT id FROM orgs WHERE full_name = ?", (sys.argv[2],)).fetchone()[0]
db.execute("INSERT INTO org_admins (org_id, person_id, created_at) SELECT ?, id, 0 FROM people WHERE id_number = ?", (school, sys.argv[3]))
db.commit()
print(school)
PY
)
  else
    SCHOOL_ID=$(echo "SELECT id FROM orgs WHERE full_name = :'school'" | psql "$URL" -At -v school="$SCHOOL")
    echo "INSERT INTO org_admins (org_id, person_id, created_at) SELECT :school, id, 0 FROM people WHERE id_number = :'admin'" \
      | psql "$URL" -q -v school="$SCHOOL_ID" -v admin="$SOAK_LOGIN_ID"
  fi
  "$BIN" serve --addr "127.0.0.1:$PORT" --database-url "$URL" 2>"$WORK/serve-$DB.log" &
  SERVER=$!
  for _ in $(seq 1 100); do curl -fs "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  mapfile -t PREP < <(python3 scripts/bench/prepare.py "$BASE" "$SOAK_LOGIN_ID" "$SOAK_LOGIN_PASSWORD")
  SOAK_COOKIE=${PREP[0]}
  SOAK_ORG=${PREP[1]}
  SOAK_TOKEN=${PREP[2]}

  echo
  echo "$DB: RSS before the traffic (demo set loaded, signed in) $(rss_mb "$SERVER") MB"
  printf '%-8s %8s %8s\n' minute "RSS MB" "5xx"
  wrk -t2 -c"$CONNECTIONS" -d"$SECONDS_TOTAL"s --timeout 10s --latency -s scripts/soak/mixed.lua "$BASE" > "$WORK/wrk-$DB.txt" &
  WRK=$!
  ( sleep 60; python3 scripts/soak/import.py "$BASE" "$SOAK_LOGIN_ID" "$SOAK_LOGIN_PASSWORD" "$SCHOOL_ID" "$WORK/import.xlsx" > "$WORK/import-$DB.txt" 2>&1 || echo "import failed" >> "$WORK/import-$DB.txt" ) &
  IMPORT=$!
  for minute in $(seq 1 $(((SECONDS_TOTAL + 59) / 60))); do
    sleep $((SECONDS_TOTAL < 60 * minute ? SECONDS_TOTAL - 60 * (minute - 1) : 60))
    printf '%-8s %8s %8s\n' "$minute" "$(rss_mb "$SERVER")" "$(metrics_5xx)"
  done
  wait "$WRK" || true
  wait "$IMPORT" || true
  ERRS=$(metrics_5xx)
  echo "$DB: requests $(awk '/requests in/ {print $1}' "$WORK/wrk-$DB.txt"), $(awk '/Requests\/sec/ {print $2}' "$WORK/wrk-$DB.txt") req/s," \
    "p50 $(awk '$1=="50%" {print $2}' "$WORK/wrk-$DB.txt"), p99 $(awk '$1=="99%" {print $2}' "$WORK/wrk-$DB.txt")," \
    "socket errors: $(grep -o 'Socket errors.*' "$WORK/wrk-$DB.txt" || echo none)"
  echo "$DB: 5xx seen by wrk $(awk '/server_errors/ {print $2}' "$WORK/wrk-$DB.txt"), 4xx $(awk '/client_errors/ {print $2}' "$WORK/wrk-$DB.txt"); 5xx in /metrics $ERRS"
  echo "$DB: logins $(curl -fs "$BASE/metrics" | awk '/^tuanjian_logins_total/ {printf "%s ", $0}')"
  echo "$DB: import of $IMPORT_ROWS rows: $(cat "$WORK/import-$DB.txt")"
  if [ "$ERRS" != 0 ] || ! grep -q '^committed' "$WORK/import-$DB.txt"; then
    FAILED=1
    grep -iE 'error|panic' "$WORK/serve-$DB.log" | head -20 || true
  fi
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $FAILED
