#!/usr/bin/env bash
# Benchmarks from issue 14 (statistics and the national scale), printed as a table. Release
# build; a fresh SQLite file (SQLITE_MEMBERS, default 1,000,000 members) and a fresh PostgreSQL
# database tj_bench_scale (PG_MEMBERS, default 10,000,000 members, PG_ORGS 1,000,000 orgs).
# For each: the time the demo set takes; p50 of one client (wrk, 1 connection) for the
# statistics page and the first page of the member list of 团中央 and of the province with the
# most members, and a name search over that province; requests/s at 64 connections for those
# lists against /healthz in the same run; `tuanjian verify-counters` over the whole set; and a
# 100,000-row 「导入下级团支部团员团干部」 import (`tuanjian import`) into the set.
# Also the hardest searches (a whole name, one given-name character, a whole ID number) and a
# page by key 100 rows before the end of 团中央's list; the cadre list's first page (团中央, the
# province), a page by key near its end and a name filter.
#   DBS (default "sqlite postgres"), DURATION (default 10s, each wrk run), SURNAME (default 王)
#   PG_REUSE=URL measures an existing PostgreSQL demo set instead of generating one (the 10 M set
#   takes half an hour to generate on 2 cores); the import then writes into it for good.
#   SQLITE_REUSE=FILE measures a copy of an existing SQLite demo file instead of generating one.
set -euo pipefail
cd "$(dirname "$0")/.."
SQLITE_MEMBERS=${SQLITE_MEMBERS:-1000000}
PG_MEMBERS=${PG_MEMBERS:-10000000}
PG_ORGS=${PG_ORGS:-1000000}
DBS=${DBS:-"sqlite postgres"}
DURATION=${DURATION:-10s}
SURNAME=${SURNAME:-王}
IMPORT_ROWS=${IMPORT_ROWS:-100000}
PG_ADMIN=${TUANJIAN_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}
export PGOPTIONS="--client-min-messages=warning"

for tool in wrk python3 psql sqlite3 bc curl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk python3 postgresql-client sqlite3 bc curl
    break
  fi
done
cargo build --release -q -p tuanjian-web --bin tuanjian --example bench_import
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
BIN=$TARGET/release/tuanjian
PREP=$TARGET/release/examples/bench_import
WORK=$(mktemp -d)
SERVER=""
PORT=18183
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null
  rm -rf "$WORK"
  psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS tj_bench_scale WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# The demo's 团中央 admin (demo/src/accounts.rs, CENTRAL_ADMIN_NAME), whose password the demo
# sets; the database's first admin (`init`) has a password of its own.
DEMO_ADMIN="SELECT p.id_number FROM org_admins a JOIN people p ON p.id = a.person_id JOIN orgs o ON o.id = a.org_id WHERE o.parent_id IS NULL AND p.name = '王建国' ORDER BY a.person_id LIMIT 1"
seconds_since() { echo "$(date +%s.%N) - $1" | bc | xargs printf '%.1f'; }
row() { printf '%-9s %-52s %14s %s\n' "$DB" "$1" "$2" "${3:-}"; }
query() { # sql → one value
  if [ "$DB" = sqlite ]; then sqlite3 "$WORK/scale.db" "$1"; else psql "$URL" -Atc "$1"; fi
}
p50() { # url → p50 of one connection
  wrk -t1 -c1 -d"$DURATION" --latency -H "Cookie: tj_session=$COOKIE" "$1" | awk '$1=="50%" {print $2}'
}
rps() { # url → requests/s at 64 connections
  wrk -t2 -c64 -d"$DURATION" -H "Cookie: tj_session=$COOKIE" "$1" | awk '/Requests\/sec/ {print $2}'
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); PostgreSQL $(psql "$PG_ADMIN" -Atc 'SHOW server_version' | cut -d' ' -f1) (shared_buffers $(psql "$PG_ADMIN" -Atc 'SHOW shared_buffers'), max_wal_size $(psql "$PG_ADMIN" -Atc 'SHOW max_wal_size')); $(date -u '+%F %H:%M') UTC"
printf '%-9s %-52s %14s\n' database measurement value
for DB in $DBS; do
  if [ "$DB" = sqlite ]; then
    URL="sqlite://$WORK/scale.db"
    DEMO_ARGS=(--members "$SQLITE_MEMBERS")
  elif [ -n "${PG_REUSE:-}" ]; then
    URL=$PG_REUSE
  else
    psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS tj_bench_scale WITH (FORCE)" >/dev/null
    psql "$PG_ADMIN" -qc "CREATE DATABASE tj_bench_scale" >/dev/null
    URL="${PG_ADMIN%/*}/tj_bench_scale"
    DEMO_ARGS=(--members "$PG_MEMBERS" --orgs "$PG_ORGS")
  fi
  if [ "$DB" = sqlite ] && [ -n "${SQLITE_REUSE:-}" ]; then
    cp "$SQLITE_REUSE" "$WORK/scale.db"
    "$BIN" migrate --database-url "$URL" >/dev/null
    ID=$(query "$DEMO_ADMIN")
    echo "  团中央管理员：$ID / Tuanjian2024" > "$WORK/demo-$DB.txt"
    row "demo set reused" "$SQLITE_REUSE"
  elif [ "$DB" = postgres ] && [ -n "${PG_REUSE:-}" ]; then
    "$BIN" migrate --database-url "$URL" >/dev/null
    ID=$(query "$DEMO_ADMIN")
    echo "  团中央管理员：$ID / Tuanjian2024" > "$WORK/demo-$DB.txt"
    row "demo set reused" "$PG_REUSE"
  else
    start=$(date +%s.%N)
    "$BIN" demo "${DEMO_ARGS[@]}" --database-url "$URL" > "$WORK/demo-$DB.txt" 2>"$WORK/demo-$DB.err"
    row "demo ${DEMO_ARGS[*]} (s)" "$(seconds_since "$start")"
  fi
  row "organisations / members" "$(query 'SELECT COUNT(*) FROM orgs') / $(query 'SELECT COUNT(*) FROM members')"
  ADMIN_ID=$(grep -m1 '团中央管理员' "$WORK/demo-$DB.txt" | sed -E 's/.*：([0-9X]+) \/ (.*)$/\1/')
  ADMIN_PW=$(grep -m1 '团中央管理员' "$WORK/demo-$DB.txt" | sed -E 's/.*：([0-9X]+) \/ (.*)$/\2/')
  ROOT=$(query "SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1")
  PROV=$(query "SELECT o.id FROM orgs o JOIN org_counts c ON c.org_id = o.id AND c.dim = 'members' AND c.val = '' WHERE o.level = 'provincial' ORDER BY c.n DESC LIMIT 1")
  PROV_MEMBERS=$(query "SELECT n FROM org_counts WHERE org_id = $PROV AND dim = 'members' AND val = ''")
  row "largest province: id / members" "$PROV / $PROV_MEMBERS"

  "$BIN" serve --addr 127.0.0.1:$PORT --database-url "$URL" 2>"$WORK/serve-$DB.log" &
  SERVER=$!
  for _ in $(seq 1 300); do curl -fs http://127.0.0.1:$PORT/healthz >/dev/null 2>&1 && break; sleep 0.2; done
  mapfile -t LOGIN < <(python3 scripts/bench/prepare.py http://127.0.0.1:$PORT "$ADMIN_ID" "$ADMIN_PW")
  COOKIE=${LOGIN[0]}
  B=http://127.0.0.1:$PORT
  NAME=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$SURNAME")
  row "statistics page, 团中央: p50" "$(p50 "$B/orgs/$ROOT/statistics")"
  row "statistics page, largest province: p50" "$(p50 "$B/orgs/$PROV/statistics")"
  row "member list page 1, 团中央: p50" "$(p50 "$B/orgs/$ROOT/members")"
  row "member list page 1, largest province: p50" "$(p50 "$B/orgs/$PROV/members")"
  row "name search '$SURNAME', largest province: p50" "$(p50 "$B/orgs/$PROV/members?name=$NAME")"
  # The hardest searches: a whole name (few matches: every entry of its rarer character in the
  # province is read), a given name's last character alone, and a whole ID number.
  read -r FULL LAST_ID DEEP < <(query "SELECT person_name || ' ' || person_id_number FROM members WHERE org_path >= (SELECT path FROM orgs WHERE id = $PROV) AND org_path < (SELECT substr(path, 1, length(path) - 1) || '0' FROM orgs WHERE id = $PROV) ORDER BY org_path DESC, person_sort DESC, person_id DESC LIMIT 1" | tr '\n' ' '; query "SELECT person_id FROM members ORDER BY org_path DESC, person_sort DESC, person_id DESC LIMIT 1 OFFSET 100")
  FULL_Q=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$FULL")
  GIVEN_Q=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1][-1]))' "$FULL")
  row "  whole name '$FULL' matches in the province" "$(query "SELECT COUNT(*) FROM member_name_chars WHERE ch = '${FULL:0:1}' AND person_name = '$FULL'")"
  row "name search '$FULL', largest province: p50" "$(p50 "$B/orgs/$PROV/members?name=$FULL_Q")"
  row "name search '${FULL: -1}', largest province: p50" "$(p50 "$B/orgs/$PROV/members?name=$GIVEN_Q")"
  row "ID number search (whole), 团中央: p50" "$(p50 "$B/orgs/$ROOT/members?id_number=$LAST_ID")"
  row "member list by key near the end, 团中央: p50" "$(p50 "$B/orgs/$ROOT/members?after=$DEEP&page=2")"
  DEEP_POST=$(query "SELECT id FROM cadre_posts ORDER BY org_path DESC, id DESC LIMIT 1 OFFSET 100")
  row "cadre list page 1, 团中央: p50" "$(p50 "$B/orgs/$ROOT/cadres")"
  row "cadre list page 1, largest province: p50" "$(p50 "$B/orgs/$PROV/cadres")"
  row "cadre list by key near the end, 团中央: p50" "$(p50 "$B/orgs/$ROOT/cadres?after=$DEEP_POST&page=2")"
  row "cadre list, name '$SURNAME', largest province: p50" "$(p50 "$B/orgs/$PROV/cadres?name=$NAME")"
  HEALTH=$(rps "$B/healthz")
  row "/healthz, 64 connections: req/s" "$HEALTH"
  for target in "团中央:$ROOT" "largest province:$PROV"; do
    LIST=$(rps "$B/orgs/${target#*:}/members")
    row "member list, ${target%%:*}, 64 connections: req/s" "$LIST" "($(echo "100 * $LIST / $HEALTH" | bc -l | xargs printf '%.1f') % of /healthz)"
  done
  LIST=$(rps "$B/orgs/$PROV/members?name=$FULL_Q")
  row "name search, largest province, 64 connections: req/s" "$LIST" "($(echo "100 * $LIST / $HEALTH" | bc -l | xargs printf '%.1f') % of /healthz)"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""

  start=$(date +%s.%N)
  "$BIN" verify-counters --database-url "$URL" > "$WORK/verify-$DB.txt" 2>&1 || true
  row "verify-counters, whole set (s)" "$(seconds_since "$start")" "$(tail -1 "$WORK/verify-$DB.txt")"

  FILE="$WORK/import-$DB.xlsx"
  ORG=$("$PREP" "$URL" "$IMPORT_ROWS" "$FILE")
  # The import reports (its summary, the last line of its output) once its rows are committed;
  # it then writes the name search entries it left for after the commit, and exits.
  rm -f "$WORK/import-$DB.reported"
  start=$(date +%s.%N)
  "$BIN" import --org "$ORG" --template members "$FILE" --database-url "$URL" --format json 2>&1 \
    | awk -v at="$WORK/import-$DB.reported" '/"summary"/ { system("date +%s.%N > " at) } { print }' \
    > "$WORK/import-$DB.out" || true
  exited=$(seconds_since "$start")
  reported=$(echo "$(cat "$WORK/import-$DB.reported" 2>/dev/null || date +%s.%N) - $start" | bc | xargs printf '%.1f')
  row "import of $IMPORT_ROWS rows, to its report (s)" "$reported" "$(grep '"summary"' "$WORK/import-$DB.out" | grep -o '"committed":[a-z]*' || tail -c 200 "$WORK/import-$DB.out")"
  row "  … and its name search entries, to its exit (s)" "$exited"
done
