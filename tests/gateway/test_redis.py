"""Two gateway replicas sharing one Redis: blocklists (scorer flags and analyst overrides), token
buckets and the review queue are shared. Needs Debian's redis-server (scripts/test-services.sh installs it)."""

from __future__ import annotations

import shutil
import subprocess
import time
from contextlib import ExitStack

import pytest

from distillguard.gateway.testing import free_port

from .conftest import CHAT, run_gateway
from .test_policy import _probe, _replace

REDIS = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(REDIS is None, reason="redis-server not installed (apt-get install redis-server, or run scripts/test-services.sh)")


@pytest.fixture
def redis_url(tmp_path):
    port = free_port()
    proc = subprocess.Popen([REDIS, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(tmp_path), "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


def _pair(tmp_path, redis_url, policy: str):
    stack = ExitStack()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    # sharing, not timeouts, is under test: a loaded test machine may take more than 50 ms to answer
    a = stack.enter_context(run_gateway(tmp_path / "a", policy, redis_url=redis_url, redis_timeout_s=1.0))
    b = stack.enter_context(run_gateway(tmp_path / "b", policy, redis_url=redis_url, redis_timeout_s=1.0))
    return stack, a, b


def test_replicas_share_blocklist_and_overrides(tmp_path, redis_url):
    stack, a, b = _pair(tmp_path, redis_url, "reload_check_s: 0\ntrusted_proxies: [127.0.0.1]\n")
    with stack:
        with a.client("mallory") as ca:
            codes = [ca.post("/v1/chat/completions", json=_probe(i)).status_code for i in range(100)]
        assert codes[-1] == 403
        with b.client("mallory") as cb:  # replica B never saw mallory's traffic
            r = cb.post("/v1/chat/completions", json=_probe(0))
            assert r.status_code == 403 and r.json()["error"]["code"] == "account_blocked"
        with a.admin() as admin_a:
            admin_a.post("/admin/accounts/acct-bob/override", json={"action": "block", "reason": "ticket 42"})
        with b.client("bob") as cb:
            assert cb.post("/v1/chat/completions", json=CHAT).json()["error"]["code"] == "account_blocked"
        with b.admin() as admin_b:
            admin_b.post("/admin/accounts/acct-bob/override", json={"action": "unblock", "reason": "resolved"})
            assert admin_b.get("/admin/accounts/acct-bob").json()["override"] == "unblock"
        with a.client("bob") as ca:
            assert ca.post("/v1/chat/completions", json=CHAT).status_code == 200


def test_replicas_share_token_buckets_and_review_queue(tmp_path, redis_url):
    policy = ("reload_check_s: 0\nbands: [{min_risk: 0.0, action: throttle}]\nthrottle: {account: {rate_per_s: 0.001, burst: 4}}\n")
    stack, a, b = _pair(tmp_path, redis_url, policy)
    with stack:
        with a.client("alice") as ca, b.client("alice") as cb:
            codes = [(ca if i % 2 else cb).post("/v1/chat/completions", json=CHAT).status_code for i in range(8)]
        assert codes.count(200) == 4 and codes[4:] == [429] * 4
        _replace(a.policy_path, "reload_check_s: 0\nbands: [{min_risk: 0.0, action: hold}]\n")
        with a.client("carol") as ca:
            assert ca.post("/v1/chat/completions", json=CHAT).json()["error"]["code"] == "account_held_for_review"
        with b.admin() as admin_b:
            assert [i["account_id"] for i in admin_b.get("/admin/review-queue").json()["items"]] == ["acct-carol"]


@pytest.mark.parametrize("mode, status", [("open", 200), ("closed", 503)])
def test_redis_down_follows_the_fail_mode(tmp_path, redis_url, mode, status):
    import redis

    with run_gateway(tmp_path, f"reload_check_s: 0\nfail_mode: {mode}\n", redis_url=redis_url) as gw, gw.client() as c:
        assert c.post("/v1/chat/completions", json=CHAT).status_code == 200
        try:
            redis.Redis.from_url(redis_url).shutdown(nosave=True)
        except redis.ConnectionError:
            pass
        r = c.post("/v1/chat/completions", json=CHAT)
        assert r.status_code == status
        if status == 503:
            assert r.json()["error"]["code"] == "enforcement_unavailable" and r.headers["Retry-After"]


def test_redis_down_keeps_known_bad_accounts_refused(tmp_path, redis_url):
    """fail_mode open: with Redis gone, an analyst's block and the scorer's flag still refuse, at once;
    ordinary accounts are served, and a block made while Redis is away holds too."""
    import redis

    policy = "reload_check_s: 0\ntrusted_proxies: [127.0.0.1]\nfail_mode: open\n"
    with run_gateway(tmp_path, policy, redis_url=redis_url) as gw, gw.admin() as admin:
        with gw.client("mallory") as c:
            codes = [c.post("/v1/chat/completions", json=_probe(i)).status_code for i in range(100)]
        assert codes[-1] == 403
        assert admin.post("/admin/accounts/acct-bob/override", json={"action": "block", "reason": "ticket 9"}).status_code == 200
        try:
            redis.Redis.from_url(redis_url).shutdown(nosave=True)
        except redis.ConnectionError:
            pass
        for who, status in (("bob", 403), ("mallory", 403), ("alice", 200), ("bob", 403)):
            with gw.client(who) as c:
                started = time.monotonic()
                r = c.post("/v1/chat/completions", json=_probe(7) if who == "mallory" else CHAT)
                assert r.status_code == status, (who, r.text)
                assert time.monotonic() - started < 1.0  # never the old 2 s wait per request
        assert admin.post("/admin/accounts/acct-carol/override", json={"action": "block", "reason": "offline"}).status_code == 200
        with gw.client("carol") as c:
            assert c.post("/v1/chat/completions", json=CHAT).status_code == 403
        assert admin.get("/admin/accounts/acct-bob").json()["state_healthy"] is False


def test_a_stalled_redis_costs_one_short_timeout_not_the_request(tmp_path):
    """A Redis that accepts connections and never answers: requests are decided locally within a
    bounded time, and an analyst's block (written locally first) still refuses."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    threading.Thread(target=accept, daemon=True).start()
    url = f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    try:
        with run_gateway(tmp_path, "reload_check_s: 0\n", redis_url=url) as gw, gw.admin() as admin:
            assert admin.post("/admin/accounts/acct-bob/override", json={"action": "block", "reason": "t"}).status_code == 200
            with gw.client("alice") as a, gw.client("bob") as b:
                for _ in range(5):
                    started = time.monotonic()
                    assert a.post("/v1/chat/completions", json=CHAT).status_code == 200
                    assert b.post("/v1/chat/completions", json=CHAT).status_code == 403
                    assert time.monotonic() - started < 1.0
    finally:
        stop.set()
        listener.close()
        for conn in held:
            conn.close()
