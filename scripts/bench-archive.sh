#!/usr/bin/env bash
# Benchmark from issue 15 (part 3): uploading a 20 MB 团员电子档案 (a valid PDF) through the API of
# the release server. For SQLite and PostgreSQL: a demo set (DEMO_MEMBERS, default 2000), the
# server started, the demo's central admin signed in, then N uploads (default 10), each for
# another member who joined from 2020. Prints the median and slowest upload time and the
# server's memory: its peak resident set (VmHWM from /proc/PID/status) before the first upload
# and after the last, and the growth against the file's size.
# Target: under 1 s per upload, memory growing by less than 2× the file.
#   scripts/bench-archive.sh            both databases
#   DBS=sqlite scripts/bench-archive.sh one of them
set -euo pipefail
cd "$(dirname "$0")/.."
PG_ADMIN=${TUANJIAN_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}
ADDR=${ADDR:-127.0.0.1:18415}
N=${N:-10}
DEMO_MEMBERS=${DEMO_MEMBERS:-2000}
DBS=${DBS:-"sqlite postgres"}
TARGET=${CARGO_TARGET_DIR:-target}
export PGOPTIONS="--client-min-messages=warning"

for tool in psql curl jq python3; do
  if ! command -v $tool >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client curl jq python3
  fi
done
cargo build --release -q -p tuanjian-web --bin tuanjian
TJ=$TARGET/release/tuanjian
WORK=$(mktemp -d)
SERVER=""
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
  rm -rf "$WORK"
  psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS tj_bench_archive WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# A valid PDF of exactly 20 MB (one page whose content stream is padding), and the demo's central
# admin's ID number (11010119900504001 and its check character, GB 11643).
python3 - "$WORK/archive.pdf" <<'PY'
import sys
MAX = 20 * 1024 * 1024
def pdf(padding):
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
            b"<< /Length %d >>\nstream\n" % padding + b" " * padding + b"\nendstream",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"]
    out, offs = bytearray(b"%PDF-1.4\n"), []
    for i, o in enumerate(objs):
        offs.append(len(out)); out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs: out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
    return bytes(out)
p = MAX - len(pdf(0)) - 20
p += MAX - len(pdf(p))
data = pdf(p)
assert len(data) == MAX
open(sys.argv[1], "wb").write(data)
PY
ADMIN_ID=$(python3 -c '
b = "11010119900504001"; w = [7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2]
print(b + "10X98765432"[sum(int(c) * k for c, k in zip(b, w)) % 11])')
FILE_KB=$(($(stat -c %s "$WORK/archive.pdf") / 1024))

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); $(date -u '+%F %H:%M UTC'); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "file: ${FILE_KB} KB PDF, $N uploads per database, demo set of $DEMO_MEMBERS members"
printf "%-9s %8s %8s %12s %12s %12s %8s\n" database "median s" "max s" "HWM before" "HWM after" "growth MB" "× file"

run() { # database-kind url
  local kind=$1 url=$2
  "$TJ" demo --members "$DEMO_MEMBERS" --database-url "$url" >/dev/null
  "$TJ" serve --addr "$ADDR" --database-url "$url" >"$WORK/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 600); do curl -sf "http://$ADDR/healthz" >/dev/null && break; sleep 0.1; done
  local token root
  token=$(curl -sf "http://$ADDR/api/v1/login" -H 'content-type: application/json' \
    -d "{\"id_number\":\"$ADMIN_ID\",\"password\":\"Tuanjian2024\"}" | jq -r .token)
  root=$(curl -sf "http://$ADDR/api/v1/me" -H "authorization: Bearer $token" | jq -r '.roles[] | select(.kind=="admin") | .org_id' | head -1)
  curl -sf -X PUT "http://$ADDR/api/v1/role" -H "authorization: Bearer $token" -H 'content-type: application/json' \
    -d "{\"kind\":\"admin\",\"org_id\":$root}" >/dev/null
  curl -sf "http://$ADDR/api/v1/orgs/$root/members?per_page=100" -H "authorization: Bearer $token" |
    jq -r '.items[] | select(.join_month >= "2020-01") | .person_id' | head -"$N" >"$WORK/people"
  [ "$(wc -l <"$WORK/people")" -eq "$N" ] || { echo "fewer than $N members who joined from 2020 on the first page" >&2; exit 1; }
  local before after
  before=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER/status")
  : >"$WORK/times"
  while read -r person; do
    curl -s -o "$WORK/answer" -w '%{time_total} %{http_code}\n' \
      "http://$ADDR/api/v1/members/$person/archive" -H "authorization: Bearer $token" \
      -F "file=@$WORK/archive.pdf;type=application/pdf" >>"$WORK/times"
    jq -e '.status == "pending"' "$WORK/answer" >/dev/null || { cat "$WORK/answer" >&2; exit 1; }
  done <"$WORK/people"
  after=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER/status")
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
  local median max
  median=$(awk '{print $1}' "$WORK/times" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
  max=$(awk '{print $1}' "$WORK/times" | sort -n | tail -1)
  printf "%-9s %8.3f %8.3f %9.0f MB %9.0f MB %12.1f %8.2f\n" "$kind" "$median" "$max" \
    "$(echo "$before / 1024" | bc -l)" "$(echo "$after / 1024" | bc -l)" \
    "$(echo "($after - $before) / 1024" | bc -l)" "$(echo "($after - $before) / $FILE_KB" | bc -l)"
}

for db in $DBS; do
  case $db in
    sqlite) run sqlite "sqlite://$WORK/archive.db" ;;
    postgres)
      psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS tj_bench_archive WITH (FORCE)" >/dev/null
      psql "$PG_ADMIN" -qc "CREATE DATABASE tj_bench_archive" >/dev/null
      run postgres "${PG_ADMIN%/*}/tj_bench_archive" ;;
  esac
done
