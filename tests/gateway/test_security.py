"""Security and failure handling: auth, body limits, malformed JSON, upstream down/slow, scorer failure,
secrets never written anywhere."""

from __future__ import annotations

import sqlite3

import httpx
import pytest

from distillguard.gateway.testing import free_port

from .conftest import ADMIN_TOKEN, CHAT, CLIENT_KEYS, UPSTREAM_KEY, run_gateway


def _is_openai_error(r: httpx.Response, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and {"message", "type", "param", "code"} <= set(body["error"])
    assert body["error"]["code"] == code and isinstance(body["error"]["message"], str)
    return body["error"]


def test_unknown_or_missing_key_is_401(gateway):
    with httpx.Client(base_url=gateway.url) as c:
        _is_openai_error(c.post("/v1/chat/completions", json=CHAT), 401, "invalid_api_key")
        _is_openai_error(c.post("/v1/chat/completions", json=CHAT, headers={"Authorization": "Bearer sk-nope"}), 401,
                         "invalid_api_key")
        _is_openai_error(c.post("/v1/completions", json=CHAT, headers={"Authorization": CLIENT_KEYS["alice"]}), 401,
                         "invalid_api_key")
    assert not (gateway.state_dir / "events.jsonl").read_bytes()  # no account, no event


def test_malformed_json_and_bad_fields_are_400(gateway):
    with gateway.client() as c:
        err = _is_openai_error(c.post("/v1/chat/completions", content=b'{"model": "m", "messages": [', headers={"Content-Type": "application/json"}),
                               400, "invalid_json")
        assert err["type"] == "invalid_request_error"
        _is_openai_error(c.post("/v1/chat/completions", content=b"[1, 2]"), 400, "invalid_json")
        _is_openai_error(c.post("/v1/chat/completions", content=b"\xff\xfe"), 400, "invalid_json")
        err = _is_openai_error(c.post("/v1/chat/completions", json={"model": "m", "messages": "hello"}), 400, "invalid_request")
        assert err["param"] == "messages"
        err = _is_openai_error(c.post("/v1/chat/completions", json=dict(CHAT, max_tokens="lots")), 400, "invalid_request")
        assert err["param"] == "max_tokens"


def test_request_size_limit(tmp_path):
    with run_gateway(tmp_path, "reload_check_s: 0\nlimits: {max_body_bytes: 2048}\n") as gw, gw.client() as c:
        big = dict(CHAT, messages=[{"role": "user", "content": "x" * 5000}])
        _is_openai_error(c.post("/v1/chat/completions", json=big), 413, "request_too_large")

        def chunks():  # no Content-Length: the limit holds while streaming the body in
            for _ in range(10):
                yield b" " * 1000

        _is_openai_error(c.post("/v1/chat/completions", content=chunks()), 413, "request_too_large")
        assert c.post("/v1/chat/completions", json=CHAT).status_code == 200


def test_admin_and_metrics_require_the_token(gateway):
    paths = ["/admin/accounts/acct-alice", "/admin/review-queue", "/admin/audit", "/admin/policy", "/metrics"]
    with httpx.Client(base_url=gateway.url) as c:
        for path in paths:
            assert c.get(path).status_code == 401
            assert c.get(path, headers={"Authorization": "Bearer wrong-token-wrong-token"}).status_code == 401
            assert c.get(path, headers={"Authorization": f"Bearer {CLIENT_KEYS['alice']}"}).status_code == 401
            assert c.get(path, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}).status_code == 200
        r = c.post("/admin/accounts/acct-alice/override", json={"action": "block", "reason": "x"})
        assert r.status_code == 401
    with gateway.client() as c:
        assert c.post("/v1/chat/completions", json=CHAT).status_code == 200  # not blocked by the refused call
    with gateway.admin() as admin:
        text = admin.get("/metrics").text
        assert 'distillguard_decisions_total{action="allow"} 1' in text and "distillguard_events_total" in text


def test_upstream_down_is_502_with_retry_after(tmp_path):
    dead = f"http://127.0.0.1:{free_port()}/v1"
    with run_gateway(tmp_path, "reload_check_s: 0\nlimits: {retry_after_s: 7}\n", upstream_url=dead) as gw, gw.client() as c:
        r = c.post("/v1/chat/completions", json=CHAT)
        _is_openai_error(r, 502, "upstream_unavailable")
        assert r.headers["Retry-After"] == "7"
        r = c.post("/v1/chat/completions", json=dict(CHAT, stream=True))
        _is_openai_error(r, 502, "upstream_unavailable")
    events = (gw.state_dir / "events.jsonl").read_text().splitlines()
    assert len(events) == 2 and all('"status":502' in e for e in events)


def test_upstream_slow_is_504_with_retry_after(tmp_path):
    policy = "reload_check_s: 0\nlimits: {upstream_timeout_s: 0.5, retry_after_s: 3}\n"
    with run_gateway(tmp_path, policy) as gw, gw.client() as c:
        r = c.post("/v1/chat/completions", json=dict(CHAT, model="slow-3"))
        _is_openai_error(r, 504, "upstream_timeout")
        assert r.headers["Retry-After"] == "3"
        assert c.post("/v1/chat/completions", json=CHAT).status_code == 200


@pytest.mark.parametrize("mode, status", [("open", 200), ("closed", 503)])
def test_scorer_failure_fail_open_or_closed(tmp_path, mode, status):
    with run_gateway(tmp_path, f"reload_check_s: 0\nfail_mode: {mode}\n") as gw, gw.client() as c:
        def broken(event):
            raise RuntimeError("scorer exploded")

        gw.enforcer.scorer.precheck = broken
        r = c.post("/v1/chat/completions", json=CHAT)
        assert r.status_code == status
        if status == 503:
            _is_openai_error(r, 503, "enforcement_unavailable")
            assert r.headers["Retry-After"]
        rows = gw.enforcer.audit.query(action="scorer_error")
        assert rows and rows[0]["evidence"]["fail_mode"] == mode


def test_secrets_never_reach_logs_events_or_audit(tmp_path, capfd, caplog):
    with run_gateway(tmp_path, "reload_check_s: 0\nbands: [{min_risk: 0.0, action: degrade}]\n") as gw:
        with gw.client("alice") as c:
            c.post("/v1/chat/completions", json=CHAT)
            c.post("/v1/chat/completions", json=dict(CHAT, stream=True))
            c.post("/v1/completions", content=b"{bad json")
        with httpx.Client(base_url=gw.url) as anon:
            anon.post("/v1/chat/completions", json=CHAT, headers={"Authorization": f"Bearer {CLIENT_KEYS['bob']}x"})
        with gw.admin() as admin:
            admin.post("/admin/accounts/acct-bob/override", json={"action": "block", "reason": "test"})
            metrics = admin.get("/metrics").text
    out, err = capfd.readouterr()
    written = b""
    for path in gw.state_dir.rglob("*"):
        if path.is_file():
            written += path.read_bytes()
    audit = "\n".join(str(row) for row in sqlite3.connect(gw.state_dir / "audit.sqlite").execute("SELECT * FROM audit"))
    haystack = written.decode("utf-8", "replace") + audit + out + err + caplog.text + metrics
    for secret in [UPSTREAM_KEY, ADMIN_TOKEN, *CLIENT_KEYS.values()]:
        assert secret not in haystack
    assert "SECRET" not in haystack  # not even a fragment of a key
    assert "key-alice" in written.decode("utf-8", "replace")  # the non-secret id is what events carry
