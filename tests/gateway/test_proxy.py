"""The proxy: both endpoints, streamed and not, events logged, degrade applied, upstream key used."""

from __future__ import annotations

import orjson

from distillguard.gateway.eventlog import iter_events
from distillguard.gateway.testing import parse_sse

from .conftest import CHAT, UPSTREAM_KEY, run_gateway


def _events(running):
    return [e for _, e in iter_events(running.state_dir / "events.jsonl")]


def test_chat_and_completions_plain_and_streamed(gateway):
    with gateway.client() as c:
        r = c.post("/v1/chat/completions", json=CHAT)
        assert r.status_code == 200, r.text
        assert r.json()["choices"][0]["message"]["content"].startswith("w0 ")
        r = c.post("/v1/completions", json={"model": "m", "prompt": "Once upon", "max_tokens": 5})
        assert r.status_code == 200 and r.json()["choices"][0]["text"] == "w0 w1 w2 w3 w4 "
        r = c.post("/v1/chat/completions", json=dict(CHAT, stream=True))
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        chunks = parse_sse(r.text)
        assert chunks[-1] == "[DONE]" and len(chunks) == 12 + 2
        r = c.post("/v1/completions", json={"model": "m", "prompt": "Hi", "stream": True, "max_tokens": 3})
        assert parse_sse(r.text)[-1] == "[DONE]"
    events = _events(gateway)
    assert [e["endpoint"] for e in events] == ["/v1/chat/completions", "/v1/completions", "/v1/chat/completions", "/v1/completions"]
    assert all(e["account_id"] == "acct-alice" and e["api_key_id"] == "key-alice" and e["status"] == 200 for e in events)
    assert events[0]["account"]["payment_fingerprint"] == "pf-alice"
    streamed = events[2]["response"]
    assert streamed["choices"][0]["message"]["content"] == "".join(f"w{i} " for i in range(12))
    assert streamed["usage"]["completion_tokens"] == 12
    assert events[3]["response"]["choices"][0]["text"] == "w0 w1 w2 "
    # the upstream saw the upstream key, never the client's
    received = gateway.upstream.state.received
    assert all(item["authorization"] == f"Bearer {UPSTREAM_KEY}" for item in received)
    from distillguard.events.model import parse_event

    for e in events:
        parse_event(e)


def test_degrade_strips_params_caps_tokens_and_drops_reasoning(tmp_path):
    policy = "reload_check_s: 0\nbands: [{name: all, min_risk: 0.0, action: degrade}]\ndegrade: {max_tokens_cap: 4}\n"
    with run_gateway(tmp_path, policy) as gw, gw.client() as c:
        body = dict(CHAT, logprobs=True, top_logprobs=5, logit_bias={"50256": -100}, max_tokens=500)
        r = c.post("/v1/chat/completions", json=body)
        assert r.status_code == 200
        message = r.json()["choices"][0]
        assert "reasoning_content" not in message["message"] and "logprobs" not in message
        sent = gw.upstream.state.received[-1]["body"]
        assert sent["max_tokens"] == 4 and not {"logprobs", "top_logprobs", "logit_bias"} & set(sent)
        r = c.post("/v1/chat/completions", json=dict(body, stream=True))
        chunks = [ch for ch in parse_sse(r.text) if ch != "[DONE]"]
        assert chunks and all("reasoning_content" not in ch["choices"][0].get("delta", {}) for ch in chunks)
        # the event keeps what the client asked for: that is the signal
        events = _events(gw)
        assert events[0]["request"]["logprobs"] is True and events[0]["request"]["max_tokens"] == 500
        audit = gw.enforcer.audit.query(action="degrade")
        assert len(audit) == 2 and audit[0]["evidence"]["band"] == "all"


def test_event_lines_are_valid_json(gateway):
    with gateway.client() as c:
        for _ in range(3):
            assert c.post("/v1/chat/completions", json=CHAT).status_code == 200
    lines = (gateway.state_dir / "events.jsonl").read_bytes().splitlines()
    assert len(lines) == 3 and all(orjson.loads(line)["request_id"].startswith("gw-") for line in lines)


def test_client_leaving_mid_stream_is_still_logged(tmp_path):
    """A client that hangs up mid-stream: its event is logged (status 499) with what was generated so far."""
    import time

    with run_gateway(tmp_path, words=50000) as gw:
        with gw.client() as c, c.stream("POST", "/v1/chat/completions", json=dict(CHAT, stream=True, max_tokens=50000)) as r:
            assert r.status_code == 200
            next(r.iter_raw())
        deadline = time.monotonic() + 20
        events = []
        while time.monotonic() < deadline and not events:
            events = _events(gw)
            time.sleep(0.1)
        assert len(events) == 1 and events[0]["status"] == 499
        assert events[0]["response"]["choices"][0]["message"]["content"].startswith("w0 ")
        with gw.client() as c:  # and the gateway carries on
            assert c.post("/v1/chat/completions", json=CHAT).status_code == 200
