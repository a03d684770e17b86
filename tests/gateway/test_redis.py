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
    a = stack.enter_context(run_gateway(tmp_path / "a", policy, redis_url=redis_url))
    b = stack.enter_context(run_gateway(tmp_path / "b", policy, redis_url=redis_url))
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
