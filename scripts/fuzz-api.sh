#!/usr/bin/env bash
# Schema-based fuzzing of the JSON API (issue 10): schemathesis generates requests from
# /api/v1/openapi.json and checks every answer against the document, signed in as the demo's
# 团中央 admin, on a throwaway demo database: SQLite, then PostgreSQL. Release build; traffic only
# to 127.0.0.1. Prints one summary line per database and exits non-zero if any check failed.
#   MEMBERS (default 2000): size of the demo set
#   MAX_EXAMPLES (default 50): test cases per operation and phase
#   TIME_LIMIT (default 900): seconds each database's run may take at most
#   SEED (default 10): schemathesis seed, so a run can be repeated
#   BIN: use this binary instead of building target/release/tuanjian
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS=${MEMBERS:-2000}
MAX_EXAMPLES=${MAX_EXAMPLES:-50}
TIME_LIMIT=${TIME_LIMIT:-900}
SEED=${SEED:-10}
PG_ADMIN=${TUANJIAN_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}
SCHEMATHESIS_VERSION=4.32.5
PORT=${PORT:-18282}
BASE=http://127.0.0.1:$PORT
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance

for tool in python3 psql curl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv postgresql-client curl
    break
  fi
done
# A venv of its own: never pip into the system Python.
VENV=$TARGET/fuzz-venv
if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION"
fi
if [ -z "${BIN:-}" ]; then
  cargo build --release -q -p tuanjian-web
  BIN=$TARGET/release/tuanjian
fi

WORK=$(mktemp -d)
SERVER=""
PG_DB=tj_fuzz
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null
  rm -rf "$WORK"
  psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

echo "machine: $(nproc) cores, $(uname -r); $(date -u '+%F %H:%M UTC'); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "schemathesis $SCHEMATHESIS_VERSION, checks $CHECKS, max examples $MAX_EXAMPLES, seed $SEED, demo members $MEMBERS"
status=0
summaries=()
for DB in sqlite postgres; do
  if [ "$DB" = sqlite ]; then
    URL="sqlite://$WORK/fuzz.db"
  else
    psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null
    psql "$PG_ADMIN" -qc "CREATE DATABASE $PG_DB" >/dev/null
    URL="${PG_ADMIN%/*}/$PG_DB"
  fi
  "$BIN" demo --members "$MEMBERS" --database-url "$URL" >"$WORK/demo-$DB.txt" 2>/dev/null
  line=$(grep -m1 '团中央管理员' "$WORK/demo-$DB.txt")
  ADMIN_ID=$(sed -E 's/.*：([0-9X]+) \/ (.*)$/\1/' <<<"$line")
  ADMIN_PW=$(sed -E 's/.*：([0-9X]+) \/ (.*)$/\2/' <<<"$line")
  "$BIN" serve --addr "127.0.0.1:$PORT" --database-url "$URL" 2>"$WORK/serve-$DB.log" &
  SERVER=$!
  for _ in $(seq 1 100); do curl -fs "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  TOKEN=$(python3 - "$BASE" "$ADMIN_ID" "$ADMIN_PW" <<'EOF'
import json, sys, urllib.request
base, id_number, password = sys.argv[1:4]
def call(method, path, body, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    req = urllib.request.Request(base + path, json.dumps(body).encode(), headers, method=method)
    return json.load(urllib.request.urlopen(req))
login = call("POST", "/api/v1/login", {"id_number": id_number, "password": password})
admin = next(r for r in login["roles"] if r["kind"] == "admin")
call("PUT", "/api/v1/role", {"kind": "admin", "org_id": admin["org_id"]}, login["token"])
print(login["token"])
EOF
)
  # Random ids almost never name a record, so most requests would stop at 404: most of the
  # time take an id from the small ones the demo set uses (organisations, people, requests).
  cat >"$WORK/schemathesis.toml" <<EOF
[dictionaries.ids]
values = [$(seq -s, 1 60)]
[dictionaries.kinds]
values = ["members", "cadres"]
[parameters]
"path.id" = { dictionary = "ids", probability = 0.8 }
"path.person_id" = { dictionary = "ids", probability = 0.8 }
"path.change_id" = { dictionary = "ids", probability = 0.8 }
"path.range_id" = { dictionary = "ids", probability = 0.8 }
"path.job" = { dictionary = "ids", probability = 0.8 }
"path.kind" = { dictionary = "kinds", probability = 0.8 }
EOF
  start=$(date +%s)
  # Logging out would end the session the whole run signs in with; the role switch would
  # leave the admin role. Everything else, destructive or not, is fuzzed.
  set +e
  # From the scratch directory: schemathesis leaves a cache (.schemathesis/) where it runs.
  (cd "$WORK" && exec timeout --signal=INT "$TIME_LIMIT" "$VENV/bin/schemathesis" --no-color --config-file "$WORK/schemathesis.toml" run "$BASE/api/v1/openapi.json" \
    --header "Authorization: Bearer $TOKEN" \
    --checks "$CHECKS" \
    --max-examples "$MAX_EXAMPLES" \
    --seed "$SEED" \
    --workers 2 \
    --exclude-path /api/v1/logout \
    --exclude-path /api/v1/role \
    --suppress-health-check all \
    --generation-database none \
    --request-timeout 30 \
    --report junit --report-junit-path "$WORK/junit-$DB.xml" \
    >"$WORK/fuzz-$DB.txt" 2>&1)
  rc=$?
  set -e
  secs=$(($(date +%s) - start))
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
  # Keep the whole output for reading the failures.
  cp "$WORK/fuzz-$DB.txt" "$TARGET/fuzz-$DB.txt"
  cp "$WORK/serve-$DB.log" "$TARGET/fuzz-serve-$DB.log"
  summary=$(python3 - "$WORK/junit-$DB.xml" <<'EOF'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print("no report (interrupted?)")
    sys.exit()
cases = root.findall(".//testcase")
failed = [c.get("name") for c in cases if c.find("failure") is not None or c.find("error") is not None]
print(f"operations {len(cases)}, failing {len(failed)}" + (": " + ", ".join(failed) if failed else ""))
EOF
)
  cases=$(grep -Eo '[0-9]+ generated' "$WORK/fuzz-$DB.txt" | tail -1 || true)
  summaries+=("$(printf '%-9s exit %s, %s s, %s; %s' "$DB" "$rc" "$secs" "${cases:-? generated}" "$summary")")
  tail -n 25 "$WORK/fuzz-$DB.txt"
  [ "$rc" -eq 0 ] || status=1
done
echo
echo "summary (full output in $TARGET/fuzz-{sqlite,postgres}.txt):"
printf '%s\n' "${summaries[@]}"
exit "$status"
