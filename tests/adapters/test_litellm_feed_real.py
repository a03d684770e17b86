"""The LiteLLM feed inside a real LiteLLM (its own venv, as tests/gateway/test_litellm.py): the payload
LiteLLM really builds becomes an API event that `scan` reads. Skipped when that venv is absent."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

LITELLM_PY = Path(os.environ.get("DISTILLGUARD_LITELLM_PYTHON", Path.home() / ".cache/distillguard/litellm-venv/bin/python"))
SRC = Path(__file__).resolve().parents[2] / "src"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not LITELLM_PY.exists() or not (LITELLM_PY.parent / "litellm").exists(),
                       reason=f"no LiteLLM at {LITELLM_PY} (see tests/gateway/test_litellm.py for how to install it)"),
]

SCRIPT = """
import asyncio, sys, time
import litellm
from distillguard.gateway.litellm_feed import DistillGuardFeed
feed = DistillGuardFeed(jsonl=sys.argv[1])
litellm.callbacks = [feed]
litellm.completion(model="openai/gpt-4o-mini", api_key="sk-not-used", mock_response="4", user="end-user-9", max_tokens=7,
                   temperature=0.0, messages=[{"role": "system", "content": "be brief"}, {"role": "user", "content": "What is 2+2?"}])
async def second():
    await litellm.acompletion(model="openai/gpt-4o-mini", api_key="sk-not-used", mock_response="hey", logprobs=True, top_logprobs=5,
                              logit_bias={"1734": -100}, messages=[{"role": "user", "content": "async hello"}])
    for _ in range(100):  # LiteLLM logs on a task of this loop: keep the loop alive until it ran
        if feed.written + feed.dropped >= 2:
            break
        await asyncio.sleep(0.2)
asyncio.run(second())
deadline = time.time() + 20
while feed.written + feed.dropped < 2 and time.time() < deadline:
    time.sleep(0.2)
print(feed.written, feed.dropped, feed.last_error)
"""


def test_feed_turns_litellm_payloads_into_events_scan_reads(tmp_path):
    from distillguard.pipeline import scan

    out = tmp_path / "feed.jsonl"
    env = dict(os.environ, PYTHONPATH=str(SRC), LITELLM_LOCAL_MODEL_COST_MAP="True")
    done = subprocess.run([str(LITELLM_PY), "-c", SCRIPT, str(out)], env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[:2] == ["2", "0"], done.stdout
    first, second = (json.loads(line) for line in out.read_text().splitlines())
    assert first["account_id"] == "end-user-9" and first["request"]["max_tokens"] == 7 and first["request"]["temperature"] == 0.0
    assert first["request"]["messages"][0] == {"role": "system", "content": "be brief"}
    assert first["response"]["choices"][0]["message"]["content"] == "4" and first["status"] == 200
    assert second["request"]["logprobs"] is True and second["request"]["top_logprobs"] == 5
    assert second["request"]["logit_bias"] == {"1734": -100}
    result = scan(out, input_format="auto")
    assert result.stats["formats"] == {str(out): "api-event"} and result.stats["events"] == 2
