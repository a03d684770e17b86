#!/usr/bin/env bash
# Start a local nats-server with JetStream for `distillguard bus` (127.0.0.1 only).
#   scripts/start-nats.sh [PORT] [DATA_DIR]      (defaults: 4222, /tmp/distillguard-nats)
#   stop: kill "$(cat DATA_DIR/nats.pid)"
# Installs the Debian package when it is missing and we are root.
set -euo pipefail
port="${1:-${NATS_PORT:-4222}}"
dir="${2:-${NATS_DIR:-/tmp/distillguard-nats}}"
if ! command -v nats-server >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nats-server) >/tmp/distillguard-apt-nats.log 2>&1
  else
    echo "nats-server is not installed: apt-get install nats-server" >&2; exit 1
  fi
fi
mkdir -p "$dir/jetstream"
if [ -f "$dir/nats.pid" ] && kill -0 "$(cat "$dir/nats.pid")" 2>/dev/null; then
  echo "nats-server already running (pid $(cat "$dir/nats.pid")): nats://127.0.0.1:$port"; exit 0
fi
nohup nats-server -a 127.0.0.1 -p "$port" -js -sd "$dir/jetstream" -l "$dir/nats.log" -P "$dir/nats.pid" >/dev/null 2>&1 &
for _ in $(seq 1 50); do
  if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then echo "nats://127.0.0.1:$port"; exit 0; fi
  sleep 0.1
done
echo "nats-server did not start; see $dir/nats.log" >&2; exit 1
