"""`--workers 2`: two processes on one port act as one gateway (shared blocks and detection).

Needs redis-server (scripts/test-services.sh installs it): the workers share state through it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from distillguard.gateway.eventlog import iter_events
from distillguard.gateway.testing import ServerThread, fake_upstream, free_port

from .conftest import ADMIN_TOKEN, CHAT, CLIENT_KEYS, UPSTREAM_KEY, wait_up, write_keys
from .test_redis import REDIS, redis_url  # noqa: F401  (fixture)

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(REDIS is None, reason="redis-server not installed (scripts/test-services.sh)")]


def test_two_workers_share_one_port_blocks_and_detection(tmp_path, redis_url):  # noqa: F811
    env = dict(os.environ, DISTILLGUARD_ADMIN_TOKEN=ADMIN_TOKEN, DISTILLGUARD_UPSTREAM_API_KEY=UPSTREAM_KEY)
    (tmp_path / "policy.yaml").write_text("trusted_proxies: [127.0.0.1]\nconcurrency: {per_account: 0}\n")
    with ServerThread(fake_upstream(api_key=UPSTREAM_KEY)) as up:
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "distillguard.gateway", "--upstream", up.url + "/v1", "--port", str(port),
                                 "--keys", str(write_keys(tmp_path / "keys.yaml")), "--policy", str(tmp_path / "policy.yaml"),
                                 "--state-dir", str(tmp_path / "state"), "--redis", redis_url, "--bus", redis_url,
                                 "--workers", "2"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_up(url + "/healthz", proc)
            headers = {"Authorization": f"Bearer {CLIENT_KEYS['alice']}", "X-Forwarded-For": "203.0.113.10"}
            for i in range(40):  # a new connection each time: the kernel hands them to either worker
                with httpx.Client(base_url=url, headers=headers, timeout=30) as c:
                    assert c.post("/v1/chat/completions", json=dict(CHAT, messages=[
                        {"role": "user", "content": f"question {i}"}])).status_code == 200
            logs = [tmp_path / "state" / f"worker-{k}" / "events.jsonl" for k in (0, 1)]
            served = [sum(1 for _ in iter_events(log)) for log in logs]
            assert sum(served) == 40 and min(served) > 0, f"requests per worker: {served}"
            admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
            time.sleep(0.5)  # the other worker's last events reach each scorer over the bus
            seen = set()
            for _ in range(10):  # each worker's scorer counted every request, whichever worker served it
                with httpx.Client(base_url=url, headers=admin, timeout=30) as c:
                    seen.add(c.get("/admin/accounts/acct-alice").json()["requests_seen"])
            assert seen == {40}
            with httpx.Client(base_url=url, headers=admin, timeout=30) as c:
                assert c.post("/admin/accounts/acct-alice/override", json={"action": "block", "reason": "test"}).status_code == 200
            codes = set()
            for _ in range(10):  # the block holds on both workers
                with httpx.Client(base_url=url, headers=headers, timeout=30) as c:
                    codes.add(c.post("/v1/chat/completions", json=CHAT).status_code)
            assert codes == {403}
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
    assert proc.returncode == 0
    assert all((tmp_path / "state" / f"worker-{k}" / "snapshot.json").exists() for k in (0, 1))  # each shut down cleanly


def test_a_worker_serves_its_inherited_listener_as_tcp():
    """The supervisor's socket, seen from a worker's descriptor, is TCP (so accepted connections get
    TCP_NODELAY; taken for a Unix socket, each small response waited for a delayed ACK, ~40 ms)."""
    import os
    import socket

    from distillguard.gateway.workers import inherited_listener

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    sock = inherited_listener(os.dup(listener.fileno()))
    try:
        assert sock.family == socket.AF_INET and sock.type == socket.SOCK_STREAM
        assert sock.getsockname() == listener.getsockname()
    finally:
        sock.close()
        listener.close()
