#!/usr/bin/env bash
# Sets up and runs the tuanjian server on SQLite (the file tuanjian.db in the repository root).
#   scripts/serve.sh                 run the server (first run: asks to initialise with --admin-id)
#   scripts/serve.sh --demo [N]      fill tuanjian-demo.db with N demo members (default 10000) and serve it
# Extra environment: ADDR (default 127.0.0.1:8080).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v cc >/dev/null 2>&1 || need_apt+=(build-essential)
if ((${#need_apt[@]})); then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi
if ! command -v cargo >/dev/null 2>&1; then
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    # Debian's packaged Rust is too old for edition 2024: install the stable toolchain with rustup.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rustup || true
    if command -v rustup >/dev/null 2>&1; then
      rustup default stable
    else
      echo "没有找到 Rust 工具链：请先安装 rustup（https://rustup.rs），再运行本脚本。" >&2
      exit 1
    fi
  fi
fi

cargo build --release --locked -p tuanjian-web
bin=target/release/tuanjian
addr=${ADDR:-127.0.0.1:8080}

if [ "${1:-}" = "--demo" ]; then
  members=${2:-10000}
  db=tuanjian-demo.db
  if [ ! -f "$db" ]; then
    "$bin" demo --members "$members" --database-url "sqlite://$db"
  else
    echo "使用已有的演示数据库 $db（删除它可重新生成）"
  fi
  exec "$bin" serve --addr "$addr" --database-url "sqlite://$db"
fi

db=tuanjian.db
if [ ! -f "$db" ]; then
  echo "首次运行：请先初始化，例如：$bin init --admin-id <团中央管理员身份证号码> --database-url sqlite://$db"
  echo "（或使用 scripts/serve.sh --demo 体验演示数据）"
  exit 1
fi
exec "$bin" serve --addr "$addr" --database-url "sqlite://$db"
