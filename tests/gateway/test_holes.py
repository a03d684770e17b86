"""The holes of issue 15, each tried as an attacker or an operator would: spoofed X-Forwarded-For,
SSE lag, validation before auth, an oversize override, the guard token's scope, file modes."""

from __future__ import annotations

import stat
import time

import httpx

from distillguard.gateway.eventlog import iter_events

from .conftest import ADMIN_TOKEN, CHAT, run_gateway

GUARD_TOKEN = "test-guard-token-abcdef0123456789"


def _logged_ips(gw) -> list[str | None]:
    return [e["ip"] for _, e in iter_events(gw.state_dir / "events.jsonl")]


def test_forwarded_for_is_ignored_from_an_untrusted_peer(tmp_path):
    with run_gateway(tmp_path, "reload_check_s: 0\ntrusted_proxies: []\n") as gw, gw.client() as c:
        c.post("/v1/chat/completions", json=CHAT, headers={"X-Forwarded-For": "198.51.100.99"})
        c.post("/v1/chat/completions", json=CHAT, headers={"X-Forwarded-For": "198.51.100.99", "Forwarded": "for=198.51.100.98"})
    assert _logged_ips(gw) == ["127.0.0.1", "127.0.0.1"]  # the TCP peer, never what the client wrote


def test_behind_a_trusted_proxy_the_right_most_untrusted_hop_counts(tmp_path):
    policy = "reload_check_s: 0\ntrusted_proxies: [127.0.0.1, 10.0.0.0/8]\n"
    with run_gateway(tmp_path, policy) as gw, gw.client() as c:
        # the client wrote 6.6.6.6 (framing someone); the balancer appended the address it really saw
        c.post("/v1/chat/completions", json=CHAT, headers={"X-Forwarded-For": "6.6.6.6, 198.51.100.7"})
        # two tiers of our own proxies after the client
        c.post("/v1/chat/completions", json=CHAT, headers={"X-Forwarded-For": "6.6.6.6, 198.51.100.8, 10.1.2.3"})
        # garbage where the client address should be: attributed to the proxy, not to a chosen address
        c.post("/v1/chat/completions", json=CHAT, headers={"X-Forwarded-For": "6.6.6.6, not-an-ip"})
    assert _logged_ips(gw) == ["198.51.100.7", "198.51.100.8", "127.0.0.1"]


def test_stream_events_are_forwarded_as_they_arrive(tmp_path):
    """Each token must reach the client when the upstream sends it, not one inter-token gap later."""
    gap = 0.5
    with run_gateway(tmp_path, words=4) as gw, gw.client() as c:
        arrivals = []
        started = time.perf_counter()
        with c.stream("POST", "/v1/chat/completions", json=dict(CHAT, model=f"drip-{gap}", stream=True)) as r:
            assert r.status_code == 200
            for line in r.iter_lines():
                if line.startswith("data:") and "[DONE]" not in line and '"content"' in line:
                    arrivals.append(time.perf_counter() - started)
    assert len(arrivals) == 4
    # upstream sends token k at about k * gap; a relay that holds each event until the next adds a gap
    for k, at in enumerate(arrivals):
        assert at < k * gap + 0.6 * gap, f"token {k} arrived at {at:.3f}s, upstream sent it at ~{k * gap:.2f}s"
    events = [e for _, e in iter_events(gw.state_dir / "events.jsonl")]
    content = events[-1]["response"]["choices"][0]["message"]["content"]
    assert [word.split("@")[0] for word in content.split()] == ["w0", "w1", "w2", "w3"]


def test_admin_query_is_checked_after_the_token(gateway):
    with httpx.Client(base_url=gateway.url) as anon:
        r = anon.get("/admin/audit", params={"limit": "abc"})
        assert r.status_code == 401 and "limit" not in r.text
    with gateway.admin() as admin:
        r = admin.get("/admin/audit", params={"limit": "abc"})
        assert r.status_code == 400 and r.json()["error"]["param"] == "limit"
        r = admin.get("/admin/audit", params={"before_id": str(10**30)})
        assert r.status_code == 400 and r.json()["error"]["param"] == "before_id" and "Traceback" not in r.text
        assert admin.get("/admin/audit", params={"limit": "5", "before_id": "1000"}).status_code == 200
        r = admin.post("/admin/accounts/acct-bob/override", content=b'{"action": "block", "reason": "' + b"x" * 70000 + b'"}')
        assert r.status_code == 413 and r.json()["error"]["code"] == "request_too_large"


def test_guard_token_can_check_and_report_but_not_act(tmp_path, monkeypatch):
    monkeypatch.setenv("DISTILLGUARD_GUARD_TOKEN", GUARD_TOKEN)
    from distillguard.gateway.app import config_from_env, create_app
    from distillguard.gateway.testing import ServerThread

    app = create_app(config_from_env(upstream=None, keys_path=None, state_dir=str(tmp_path / "state"), admin_token=ADMIN_TOKEN))
    with ServerThread(app) as srv, httpx.Client(base_url=srv.url, headers={"Authorization": f"Bearer {GUARD_TOKEN}"}) as guard:
        body = {"account_id": "acct-x", "endpoint": "/v1/chat/completions", "model": "m", "request": CHAT, "ip": "192.0.2.1"}
        r = guard.post("/guard/check", json=body)
        assert r.status_code == 200 and r.json()["refused"] is False
        assert guard.post("/admin/accounts/acct-x/override", json={"action": "allow", "reason": "me"}).status_code == 401
        for path in ("/admin/accounts/acct-x", "/admin/review-queue", "/admin/audit", "/metrics"):
            assert guard.get(path).status_code == 401, path
        with httpx.Client(base_url=srv.url, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}) as admin:
            assert admin.post("/admin/accounts/acct-x/override", json={"action": "block", "reason": "t"}).status_code == 200
            assert admin.post("/guard/check", json=body).json()["refused"] is True


def test_files_holding_prompts_are_private(tmp_path):
    with run_gateway(tmp_path, "reload_check_s: 0\nbands: [{min_risk: 0.0, action: degrade}]\n") as gw:
        with gw.client() as c:
            c.post("/v1/chat/completions", json=CHAT)
            c.post("/v1/chat/completions", json=dict(CHAT, stream=True))
        with gw.admin() as admin:
            admin.post("/admin/accounts/acct-bob/override", json={"action": "block", "reason": "t"})
    files = [p for p in gw.state_dir.rglob("*") if p.is_file()]
    assert any(p.name == "events.jsonl" for p in files) and any(p.name.startswith("audit") for p in files)
    loose = {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in files if stat.S_IMODE(p.stat().st_mode) & 0o077}
    assert not loose, f"readable by others: {loose}"


def _served(gw, bodies, at_once: bool) -> list[int]:
    import threading

    codes: list[int] = []
    lock = threading.Lock()
    go = threading.Barrier(len(bodies)) if at_once else None

    def send(body):
        with gw.client("mallory") as c:
            if go:
                go.wait(timeout=30)
            code = c.post("/v1/chat/completions", json=body).status_code
        with lock:
            codes.append(code)

    if not at_once:
        for body in bodies:
            send(body)
        return codes
    threads = [threading.Thread(target=send, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return codes


def _one_by_one_then_at_once(tmp_path, policy: str, n: int = 60) -> tuple[int, list[int], list[dict]]:
    """The same `n` extraction probes: sent one after another (count served), then all at once
    against an upstream that takes a second, so none completes before all have arrived
    (statuses, and the audit's concurrency refusals)."""
    from .test_policy import _probe

    for sub in ("seq", "burst"):
        (tmp_path / sub).mkdir()
    with run_gateway(tmp_path / "seq", policy) as gw:
        sequential = _served(gw, [_probe(i) for i in range(n)], at_once=False).count(200)
    with run_gateway(tmp_path / "burst", policy) as gw:
        codes = _served(gw, [dict(_probe(i), model="slow-1") for i in range(n)], at_once=True)
        refused = gw.enforcer.audit.query(action="concurrency", limit=100)
    assert len(codes) == n and sequential < n - 8
    return sequential, codes, refused


def test_a_parallel_burst_gets_no_more_served_than_one_by_one_plus_the_cap(tmp_path):
    sequential, codes, refused = _one_by_one_then_at_once(tmp_path, "reload_check_s: 0\ntrusted_proxies: [127.0.0.1]\n")
    assert codes.count(200) <= sequential + 8, f"burst served {codes.count(200)}, one by one {sequential}"
    assert codes.count(429) and refused and "in flight" in refused[0]["reason"]


def test_a_burst_without_a_cap_is_judged_as_if_sent_one_by_one(tmp_path):
    """With the concurrency cap off, only the decision at arrival (the account's in-flight requests
    folded in) stands between a parallel burst and the upstream: the burst must not get more served
    than the same requests sent one after another, plus a request or two of scheduling slack."""
    sequential, codes, _ = _one_by_one_then_at_once(
        tmp_path, "reload_check_s: 0\ntrusted_proxies: [127.0.0.1]\nconcurrency: {per_account: 0, per_campaign: 0}\n")
    assert codes.count(200) <= sequential + 2, f"burst served {codes.count(200)}, one by one {sequential}"
    assert set(codes) <= {200, 403}


def test_repeated_forwarded_for_lines_count_in_order(tmp_path):
    """A trusted balancer that adds its own X-Forwarded-For line after the client's: the hops join
    in order (RFC 9110), so the right-most untrusted hop is still the one the balancer saw."""
    from distillguard.gateway.asgi import Request

    scope = {"headers": [(b"x-forwarded-for", b"6.6.6.6"), (b"X-Forwarded-For", b"198.51.100.7"), (b"authorization", b"Bearer a"),
                         (b"authorization", b"Bearer b")]}
    headers = Request(scope, None).headers
    assert headers["x-forwarded-for"] == "6.6.6.6, 198.51.100.7"
    assert headers["authorization"] == "Bearer a, Bearer b"  # no valid token: refused, never either one
