#!/usr/bin/env bash
# Start a local redis-server with AOF persistence for `distillguard bus` (127.0.0.1 only).
#   scripts/start-redis.sh [PORT] [DATA_DIR]     (defaults: 6379, /tmp/distillguard-redis)
#   stop: redis-cli -p PORT shutdown   (or kill "$(cat DATA_DIR/redis.pid)")
# Installs the Debian package when it is missing and we are root.
set -euo pipefail
port="${1:-${REDIS_PORT:-6379}}"
dir="${2:-${REDIS_DIR:-/tmp/distillguard-redis}}"
if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server) >/tmp/distillguard-apt-redis.log 2>&1
  else
    echo "redis-server is not installed: apt-get install redis-server" >&2; exit 1
  fi
fi
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
if [ -f "$dir/redis.pid" ] && kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null; then
  echo "redis-server already running (pid $(cat "$dir/redis.pid")): redis://127.0.0.1:$port/0"; exit 0
fi
redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --appendonly yes --appendfsync everysec --save "" \
  --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
for _ in $(seq 1 50); do
  if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then echo "redis://127.0.0.1:$port/0"; exit 0; fi
  sleep 0.1
done
echo "redis-server did not start; see $dir/redis.log" >&2; exit 1
