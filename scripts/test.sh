#!/usr/bin/env bash
# Runs every check and test: formatting, clippy, and `cargo test --workspace` (unit tests,
# HTTP tests on SQLite and PostgreSQL, browser tests in headless Chromium).
# Meant for a fresh Debian 12 machine, as root: installs PostgreSQL, Chromium, chromedriver
# and a Chinese font when missing, and starts PostgreSQL on 127.0.0.1:5432.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DEBIAN_FRONTEND=noninteractive
started=$SECONDS

step() { printf '\n==> %s\n' "$*"; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# Root in CI; sudo elsewhere, if there is one.
as_root=()
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || die "installing packages needs root or sudo"
    as_root=(sudo)
fi

apt_updated=0
apt_install() {
    if [[ $apt_updated -eq 0 ]]; then
        "${as_root[@]}" apt-get update
        apt_updated=1
    fi
    "${as_root[@]}" apt-get install -y --no-install-recommends "$@"
}

# --- Tools -----------------------------------------------------------------------------------

# rustup installs into ~/.cargo/bin, which a non-login shell may not have on PATH.
if ! command -v cargo >/dev/null && [[ -x "$HOME/.cargo/bin/cargo" ]]; then
    export PATH="$HOME/.cargo/bin:$PATH"
fi
command -v cargo >/dev/null ||
    die "cargo not found. Install Rust first (see README.md, e.g. https://rustup.rs), then rerun."
for component in fmt clippy; do
    if ! cargo "$component" --version >/dev/null 2>&1; then
        command -v rustup >/dev/null || die "cargo $component is missing and rustup is not available"
        rustup component add "$([[ $component == fmt ]] && echo rustfmt || echo clippy)"
    fi
done

step "Checking system packages"
missing=()
command -v cc >/dev/null || missing+=(build-essential)
if ! command -v psql >/dev/null || ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
    missing+=(postgresql)
fi
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || missing+=(fonts-wqy-microhei)
if [[ ${#missing[@]} -gt 0 ]]; then
    echo "installing: ${missing[*]}"
    apt_install "${missing[@]}"
else
    echo "all present"
fi

# The accessibility test injects axe-core (npm registry) into the pages; kept under target/.
axe_version=4.14.1
axe_dir=target/tools
if ! grep -qs "\"version\": \"$axe_version\"" "$axe_dir/node_modules/axe-core/package.json"; then
    command -v npm >/dev/null || apt_install npm
    echo "installing axe-core $axe_version into $axe_dir"
    npm install --silent --no-audit --no-fund --prefix "$axe_dir" "axe-core@$axe_version"
fi
export TUANJIAN_AXE_JS="$PWD/$axe_dir/node_modules/axe-core/axe.min.js"

# --- PostgreSQL on 127.0.0.1:5432 --------------------------------------------------------------

step "Checking PostgreSQL on 127.0.0.1:5432"
pg_version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z $pg_version ]]; then
    # Installed without a cluster (e.g. create_main_cluster = false): make the default one.
    pg_version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    "${as_root[@]}" pg_createcluster "$pg_version" main
fi
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    echo "starting cluster $pg_version/main"
    "${as_root[@]}" pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start
    for _ in $(seq 1 60); do
        pg_isready -q -h 127.0.0.1 -p 5432 && break
        sleep 0.5
    done
    pg_isready -h 127.0.0.1 -p 5432 || die "PostgreSQL did not become ready on 127.0.0.1:5432"
fi

pg() { PGCONNECT_TIMEOUT=5 psql -w -h 127.0.0.1 -p 5432 -U postgres -d postgres -v ON_ERROR_STOP=1 -Atq "$@"; }

if ! pg -c 'SELECT 1' >/dev/null 2>&1; then
    # A fresh install asks for a password over TCP; the tests connect as postgres without one.
    hba=/etc/postgresql/$pg_version/main/pg_hba.conf
    echo "allowing trust auth for postgres on 127.0.0.1 in $hba"
    "${as_root[@]}" sed -i '1i host all postgres 127.0.0.1/32 trust # added by scripts/test.sh' "$hba"
    "${as_root[@]}" pg_ctlcluster --skip-systemctl-redirect "$pg_version" main reload
    sleep 1
    pg -c 'SELECT 1' >/dev/null || die "cannot connect to PostgreSQL as postgres on 127.0.0.1:5432"
fi
echo "PostgreSQL $pg_version ready"

# Test databases are named tj_test_<pid>_… / tj_demo_<pid>_…; keep those of a live process
# (another run on this machine), drop the leftovers of crashed or killed runs.
dropped=0
while IFS= read -r db; do
    [[ -n $db ]] || continue
    pid=$(sed -E 's/^tj_(test|demo)_([0-9]+)_.*/\2/; t; s/.*//' <<<"$db")
    if [[ -n $pid && -d /proc/$pid ]]; then
        continue
    fi
    pg -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"
    dropped=$((dropped + 1))
done < <(pg -c "SELECT datname FROM pg_database WHERE datname LIKE 'tj\_test\_%' OR datname LIKE 'tj\_demo\_%'")
echo "dropped $dropped leftover test database(s)"

export TUANJIAN_TEST_PG=postgres://postgres@127.0.0.1:5432/postgres

# --- A streaming replica on 127.0.0.1:5433 (read replica tests) ---------------------------------

step "Checking the streaming replica on 127.0.0.1:5433"
as_postgres() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
pg_bin=/usr/lib/postgresql/$pg_version/bin
replica_dir=/var/lib/postgresql/$pg_version/replica
replica() { PGCONNECT_TIMEOUT=5 psql -w -h 127.0.0.1 -p 5433 -U postgres -d postgres -Atq "$@"; }
hba=/etc/postgresql/$pg_version/main/pg_hba.conf
if ! "${as_root[@]}" grep -qs '^host replication all 127.0.0.1/32 trust' "$hba"; then
    echo "allowing replication connections from 127.0.0.1 in $hba"
    echo 'host replication all 127.0.0.1/32 trust # added by scripts/test.sh' | "${as_root[@]}" tee -a "$hba" >/dev/null
    pg -c 'SELECT pg_reload_conf()' >/dev/null
fi
# Copies the primary afresh into $replica_dir and starts it there.
make_replica() {
    echo "copying the primary into $replica_dir (pg_basebackup)"
    as_postgres "$pg_bin/pg_ctl" -D "$replica_dir" -m immediate stop >/dev/null 2>&1 || true
    "${as_root[@]}" rm -rf "$replica_dir"
    "${as_root[@]}" install -d -o postgres -g postgres -m 700 "$replica_dir"
    as_postgres "$pg_bin/pg_basebackup" -h 127.0.0.1 -p 5432 -U postgres -D "$replica_dir" -R -X stream -c fast
    # Debian keeps the primary's configuration in /etc, so the copy has none of its own.
    as_postgres tee "$replica_dir/postgresql.conf" >/dev/null <<CONF
port = 5433
listen_addresses = '127.0.0.1'
unix_socket_directories = '/tmp'
hot_standby = on
max_connections = $(pg -c 'SHOW max_connections')
max_standby_streaming_delay = 30s
CONF
    as_postgres tee "$replica_dir/pg_hba.conf" >/dev/null <<'CONF'
local all all trust
host all all 127.0.0.1/32 trust
CONF
    as_postgres "$pg_bin/pg_ctl" -D "$replica_dir" -l "$replica_dir/log" -w -t 60 start >/dev/null
}
# Whether the replica streams from the primary and replays, within $1 seconds, all the primary
# has written by now. A replica left running while the primary wrote a lot (a 10 M demo) may
# be far behind or, its WAL recycled on the primary, unable to stream at all, though still a
# standby: the replica tests would then fail on its lag, not on the code.
replica_caught_up() {
    local target tries
    target=$(pg -c 'SELECT pg_current_wal_flush_lsn()')
    for ((tries = 0; tries < $1 * 2; tries++)); do
        [[ $(replica -c "SELECT COALESCE((SELECT status = 'streaming' FROM pg_stat_wal_receiver), false)
                           AND pg_last_wal_replay_lsn() >= '$target'::pg_lsn" 2>/dev/null) == t ]] && return 0
        sleep 0.5
    done
    return 1
}
if [[ $(replica -c 'SELECT pg_is_in_recovery()' 2>/dev/null) != t ]]; then
    # Not running (or not a standby): start the data directory there, else copy it afresh.
    if [[ -f $replica_dir/standby.signal ]]; then
        as_postgres "$pg_bin/pg_ctl" -D "$replica_dir" -l "$replica_dir/log" -w -t 60 start >/dev/null || true
    fi
    if [[ $(replica -c 'SELECT pg_is_in_recovery()' 2>/dev/null) != t ]]; then
        make_replica
    fi
    [[ $(replica -c 'SELECT pg_is_in_recovery()') == t ]] || die "the replica on 127.0.0.1:5433 did not start (see $replica_dir/log)"
fi
# A run that stopped half-way may have left replay paused.
replica -c 'SELECT pg_wal_replay_resume()' >/dev/null
if ! replica_caught_up 120; then
    echo "the replica does not stream or lags behind the primary: replacing it"
    make_replica
    replica -c 'SELECT pg_wal_replay_resume()' >/dev/null
    replica_caught_up 120 || die "the new replica on 127.0.0.1:5433 does not keep up with the primary (see $replica_dir/log)"
fi
echo "replica ready"
export TUANJIAN_TEST_PG_REPLICA=postgres://postgres@127.0.0.1:5433/postgres

# --- Checks and tests ----------------------------------------------------------------------------

step "cargo fmt --all -- --check"
cargo fmt --all -- --check

step "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

# Libraries, binaries and test programs; examples (benchmarks) are checked by clippy above and
# built by their own scripts, and no crate has doc tests.
step "cargo test --workspace --lib --bins --tests"
cargo test --workspace --lib --bins --tests --no-fail-fast

elapsed=$((SECONDS - started))
printf '\nAll checks and tests passed in %dm%02ds.\n' $((elapsed / 60)) $((elapsed % 60))
