"""Fixtures: a fake upstream and a gateway, each served by uvicorn on a free loopback port."""

from __future__ import annotations

import hashlib
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the gateway needs the 'services' extra (fastapi, uvicorn, httpx)")
pytest.importorskip("uvicorn", reason="the gateway needs the 'services' extra")

ADMIN_TOKEN = "test-admin-token-0123456789abcdef"
UPSTREAM_KEY = "sk-upstream-SECRET-9f1c2e7a"
CLIENT_KEYS = {
    "alice": "sk-client-alice-SECRET-1111",
    "bob": "sk-client-bob-SECRET-2222",
    "carol": "sk-client-carol-SECRET-3333",
    "mallory": "sk-client-mallory-SECRET-4444",
}


def write_keys(path: Path, names=CLIENT_KEYS) -> Path:
    lines = ["keys:"]
    for n, (name, key) in enumerate(names.items()):
        lines += [f"  - sha256: {hashlib.sha256(key.encode()).hexdigest()}", f"    key_id: key-{name}",
                  f"    account_id: acct-{name}", f"    org_id: org-{name}", "    tier: pro",
                  f"    created_at: '2026-0{1 + n}-05T10:00:00Z'", f"    payment_fingerprint: pf-{name}",
                  f"    email_domain: {name}.example", "    country: FR"]
    path.write_text("\n".join(lines) + "\n")
    return path


@dataclass
class Running:
    url: str
    upstream: Any
    app: Any
    policy_path: Path
    state_dir: Path

    @property
    def enforcer(self):
        return self.app.state.enforcer

    def client(self, who: str = "alice", **kw):
        """A client with its own identity (its X-Forwarded-For counts only where the policy trusts 127.0.0.1)."""
        import httpx

        n = list(CLIENT_KEYS).index(who)
        headers = {"Authorization": f"Bearer {CLIENT_KEYS[who]}", "User-Agent": f"client-{who}/1.{n}",
                   "X-Forwarded-For": f"203.0.113.{10 + n}"}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30, **kw)

    def admin(self):
        import httpx

        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=30)


@contextmanager
def run_gateway(tmp_path: Path, policy: str = "", upstream_url: str | None = None, redis_url: str | None = None,
                state_dir: Path | None = None, words: int = 12, keys_path: Path | None = None, bus_url: str | None = None,
                redis_timeout_s: float = 0.05, wait_for_scorer: bool = True):
    """A gateway on loopback in front of a fake upstream. It is yielded once its scorer is restored (a fresh
    process builds it in the background while already serving), so a test's first requests are scored as in
    a gateway that has been up a while; `wait_for_scorer=False` for tests of that restoring phase."""
    from distillguard.gateway.app import GatewayConfig, create_app
    from distillguard.gateway.testing import ServerThread, fake_upstream

    policy_path = tmp_path / "policy.yaml"
    policy_path.write_text(policy or "reload_check_s: 0\n")
    keys = keys_path or write_keys(tmp_path / "keys.yaml")
    state_dir = state_dir or tmp_path / "state"
    upstream_app = fake_upstream(api_key=UPSTREAM_KEY, words=words)
    with ServerThread(upstream_app) as up:
        config = GatewayConfig(upstream=upstream_url or up.url + "/v1", keys_path=str(keys), state_dir=str(state_dir),
                               admin_token=ADMIN_TOKEN, policy_path=str(policy_path), redis_url=redis_url,
                               upstream_api_key=UPSTREAM_KEY, bus_url=bus_url,
                               redis_timeout_s=redis_timeout_s)
        app = create_app(config)
        with ServerThread(app) as gw:
            if wait_for_scorer:
                import httpx

                deadline = time.monotonic() + 120
                while httpx.get(gw.url + "/healthz").json().get("restoring") and time.monotonic() < deadline:
                    time.sleep(0.05)
            yield Running(gw.url, upstream_app, app, policy_path, state_dir)


@pytest.fixture
def gateway(tmp_path):
    with run_gateway(tmp_path) as running:
        yield running


CHAT = {"model": "m", "messages": [{"role": "user", "content": "Explain photosynthesis briefly."}], "max_tokens": 50}


def wait_up(url: str, proc, timeout_s: float = 60, log_path: Path | None = None, poll_s: float = 0.1) -> None:
    """Until `url` answers 200, while `proc` (a server process we started) is still running."""
    import time

    import httpx

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            tail = log_path.read_text()[-3000:] if log_path is not None and log_path.exists() else ""
            pytest.fail(f"{url} did not come up\n{tail}")
        time.sleep(poll_s)
