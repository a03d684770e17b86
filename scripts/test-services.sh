#!/usr/bin/env bash
# Installs the real components the tests talk to (when the machine lets us) and runs the command.
# Each is optional: tests that need a missing one skip with a reason.
set -uo pipefail
need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v nats-server  >/dev/null 2>&1 || need+=(nats-server)
command -v chromium     >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing test services: ${need[*]}"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}") >/tmp/distillguard-apt.log 2>&1 \
    || echo "warning: could not install ${need[*]} (see /tmp/distillguard-apt.log); their tests will skip"
fi
bash "$(dirname "$0")/litellm-venv.sh"
exec "$@"
