#!/usr/bin/env bash
# LiteLLM's pins clash with the core's (polars, rich), so its proxy lives in a venv of its own,
# which tests/gateway/test_litellm.py drives on loopback. Best effort: without it that test skips.
set -uo pipefail
target="${DISTILLGUARD_LITELLM_VENV:-$HOME/.cache/distillguard/litellm-venv}"
if [ -x "$target/bin/litellm" ]; then exit 0; fi
echo "setting up the LiteLLM proxy venv in $target (for the LiteLLM integration test)"
python3 -m venv "$target" && "$target/bin/pip" install -q 'litellm[proxy]==1.106.2' >/tmp/distillguard-litellm.log 2>&1 \
  || echo "warning: LiteLLM venv setup failed (see /tmp/distillguard-litellm.log); its test will skip"
