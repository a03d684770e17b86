"""The LiteLLM callback against a real LiteLLM proxy on loopback.

LiteLLM's proxy extra pins versions that conflict with distillguard's own (polars, rich), so it
lives in its own virtual environment:

    python3 -m venv ~/.cache/distillguard/litellm-venv
    ~/.cache/distillguard/litellm-venv/bin/pip install 'litellm[proxy]==1.106.2'

(or point DISTILLGUARD_LITELLM_PYTHON at a Python that has it). Skipped when absent."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from distillguard.gateway.eventlog import iter_events
from distillguard.gateway.testing import ServerThread, fake_upstream, free_port

from .conftest import ADMIN_TOKEN, UPSTREAM_KEY, wait_up
from .test_policy import _probe

LITELLM_PY = Path(os.environ.get("DISTILLGUARD_LITELLM_PYTHON",
                                 Path.home() / ".cache/distillguard/litellm-venv/bin/python"))
SRC = Path(__file__).resolve().parents[2] / "src"
MASTER = "sk-litellm-master-SECRET-5555"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not LITELLM_PY.exists() or not (LITELLM_PY.parent / "litellm").exists(),
                       reason=f"no LiteLLM proxy at {LITELLM_PY} (see this module's docstring: "
                              "pip install 'litellm[proxy]==1.106.2' into its own venv)"),
]


@pytest.fixture
def stack(tmp_path):
    from distillguard.gateway.app import GatewayConfig, create_app

    (tmp_path / "policy.yaml").write_text("reload_check_s: 0\nfindings: {logprob_extraction: {min_score: 0.3, action: degrade}}\n")
    with ServerThread(fake_upstream(api_key=UPSTREAM_KEY)) as up:
        guard_app = create_app(GatewayConfig(upstream=None, keys_path=None, state_dir=str(tmp_path / "state"),
                                             admin_token=ADMIN_TOKEN, policy_path=str(tmp_path / "policy.yaml")))
        with ServerThread(guard_app) as guard:
            port = free_port()
            config = tmp_path / "litellm.yaml"
            config.write_text(
                "model_list:\n"
                "  - model_name: fake\n"
                "    litellm_params:\n"
                "      model: openai/fake\n"
                f"      api_base: {up.url}/v1\n"
                "      api_key: os.environ/FAKE_UPSTREAM_KEY\n"
                "litellm_settings:\n"
                "  callbacks: distillguard.gateway.litellm_hook.proxy_handler\n"
                "general_settings:\n"
                "  master_key: os.environ/LITELLM_MASTER_KEY\n")
            env = dict(os.environ, PYTHONPATH=str(SRC), DISTILLGUARD_GUARD_URL=guard.url, DISTILLGUARD_ADMIN_TOKEN=ADMIN_TOKEN,
                       DISTILLGUARD_ACCOUNT_FROM="end_user", LITELLM_LOCAL_MODEL_COST_MAP="True", FAKE_UPSTREAM_KEY=UPSTREAM_KEY,
                       LITELLM_MASTER_KEY=MASTER, LITELLM_TELEMETRY="False")
            log = open(tmp_path / "litellm.log", "wb")
            proc = subprocess.Popen([str(LITELLM_PY.parent / "litellm"), "--config", str(config), "--host", "127.0.0.1",
                                     "--port", str(port), "--num_workers", "1"], env=env, stdout=log, stderr=subprocess.STDOUT)
            url = f"http://127.0.0.1:{port}"
            try:
                wait_up(url + "/health/liveliness", proc, 120, tmp_path / "litellm.log", poll_s=0.5)
                yield url, guard_app, up, tmp_path
            finally:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=10)


def test_litellm_callback_scores_and_enforces(stack):
    url, guard_app, up, tmp_path = stack
    headers = {"Authorization": f"Bearer {MASTER}"}
    with httpx.Client(base_url=url, headers=headers, timeout=60) as c:
        r = c.post("/v1/chat/completions", json={"model": "fake", "user": "acct-alice",
                                                 "messages": [{"role": "user", "content": "hello there"}]})
        assert r.status_code == 200, r.text
        assert r.json()["choices"][0]["message"]["content"].startswith("w0")
        r = c.post("/v1/chat/completions", json={"model": "fake", "user": "acct-alice", "stream": True,
                                                 "messages": [{"role": "user", "content": "stream please"}]})
        assert r.status_code == 200 and "[DONE]" in r.text
        # an extraction sweep through LiteLLM: degraded once the finding appears, then flagged and blocked
        codes = []
        for i in range(100):
            body = dict(_probe(i), model="fake", user="acct-mallory")
            codes.append(c.post("/v1/chat/completions", json=body).status_code)
            if codes[-1] == 403:
                break
        assert codes[-1] == 403, codes
        r = c.post("/v1/chat/completions", json=dict(_probe(500), model="fake", user="acct-mallory"))
        assert r.status_code == 403
        error = r.json()["error"]  # LiteLLM re-wraps it: its own code is the status, ours is kept inside
        assert error["type"] == "permission_error" and error["message"].startswith("This account may not use this API")
        assert error["provider_specific_fields"]["error"]["code"] == "account_blocked"
    sent = [item["body"] for item in up.app.state.received if "country number" in str(item["body"].get("messages"))]
    degraded = guard_app.state.enforcer.audit.query(action="degrade", account_id="acct-mallory")
    assert "logit_bias" in sent[0]
    assert degraded and any("logit_bias" not in b and "top_logprobs" not in b for b in sent)  # degraded before the block
    # the events fed through the logging hooks are in the gateway's durable log, then scored
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        logged = [e for _, e in iter_events(tmp_path / "state" / "events.jsonl")]
        if sum(1 for e in logged if e["account_id"] == "acct-alice") >= 2:
            break
        time.sleep(0.2)
    alice = [e for e in logged if e["account_id"] == "acct-alice"]
    assert len(alice) == 2 and all(e["status"] == 200 for e in alice)
    assert alice[0]["response"]["choices"][0]["message"]["content"].startswith("w0")
    assert alice[1]["response"]["choices"][0]["message"]["content"].startswith("w0")  # the stream, assembled
    flags = guard_app.state.enforcer.audit.query(action="flag")
    assert [row["account_id"] for row in flags] == ["acct-mallory"]
    assert MASTER not in (tmp_path / "state" / "events.jsonl").read_text()


def test_litellm_degrade_drops_reasoning_streamed_and_not(stack):
    url, guard_app, up, tmp_path = stack
    plain = {"model": "fake", "user": "acct-dora", "messages": [{"role": "user", "content": "think aloud"}]}
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {MASTER}"}, timeout=60) as c:
        assert c.post("/v1/chat/completions", json=plain).json()["choices"][0]["message"]["reasoning_content"]
        assert "think " in c.post("/v1/chat/completions", json=dict(plain, stream=True)).text  # passed through when allowed
    policy = tmp_path / "policy.yaml"
    tmp = tmp_path / "policy.tmp"
    tmp.write_text("reload_check_s: 0\nbands: [{min_risk: 0.0, action: degrade}]\n")
    os.replace(tmp, policy)
    body = {"model": "fake", "user": "acct-dora", "messages": [{"role": "user", "content": "think aloud"}], "max_tokens": 900,
            "logprobs": True, "top_logprobs": 5}
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {MASTER}"}, timeout=60) as c:
        r = c.post("/v1/chat/completions", json=body)
        assert r.status_code == 200, r.text
        assert not r.json()["choices"][0]["message"].get("reasoning_content")
        r = c.post("/v1/chat/completions", json=dict(body, stream=True))
        assert r.status_code == 200 and "think " not in r.text and "w0" in r.text
    sent = up.app.state.received[-1]["body"]
    assert sent["max_tokens"] == 256 and "logprobs" not in sent and "top_logprobs" not in sent
