"""A restart serves at once: the scorer is rebuilt in the background, known-bad accounts stay
refused meanwhile, and what is served meanwhile is scored once the scorer is back."""

from __future__ import annotations

import threading
import time

import httpx

from distillguard.gateway.enforcer import Enforcer

from .conftest import CHAT, run_gateway
from .test_policy import _probe

POLICY = "reload_check_s: 0\ntrusted_proxies: [127.0.0.1]\n"


def test_serving_while_the_scorer_is_restored(tmp_path, monkeypatch):
    state = tmp_path / "state"
    with run_gateway(tmp_path, POLICY, state_dir=state) as gw:
        with gw.client("mallory") as c:
            codes = [c.post("/v1/chat/completions", json=_probe(i)).status_code for i in range(80)]
        assert codes[-1] == 403  # flagged and blocked before the restart
        with gw.client("alice") as c:
            assert all(c.post("/v1/chat/completions", json=CHAT).status_code == 200 for _ in range(3))

    gate = threading.Event()
    rebuild = Enforcer._rebuild

    def slow_rebuild(self, *args, **kwargs):
        assert gate.wait(60)
        return rebuild(self, *args, **kwargs)

    monkeypatch.setattr(Enforcer, "_rebuild", slow_rebuild)
    with run_gateway(tmp_path, POLICY, state_dir=state, wait_for_scorer=False) as gw:
        assert httpx.get(gw.url + "/healthz").json() == {"ok": True, "restoring": True}
        with gw.client("mallory") as c:
            r = c.post("/v1/chat/completions", json=_probe(500))
            assert r.status_code == 403 and r.json()["error"]["code"] == "account_blocked"  # from the decision store
        with gw.client("alice") as c:
            assert c.post("/v1/chat/completions", json=CHAT).status_code == 200  # served while restoring
        assert gw.enforcer.scorer is None and len(gw.enforcer._backlog) == 2
        gate.set()
        deadline = time.monotonic() + 60
        while httpx.get(gw.url + "/healthz").json()["restoring"]:
            assert time.monotonic() < deadline, "the scorer was not restored"
            time.sleep(0.05)
        with gw.admin() as admin:
            view = admin.get("/admin/accounts/acct-alice").json()
            assert view["requests_seen"] == 4  # three before the restart, one served while restoring
            assert admin.get("/admin/accounts/acct-mallory").json()["verdict"]["flagged"]
        with gw.client("mallory") as c:
            assert c.post("/v1/chat/completions", json=_probe(501)).status_code == 403


def test_start_up_imports_no_framework_and_no_scorer():
    """What a restart waits for before serving: the gateway's serving path must not pull in a web
    framework, httpx, or the scorer's stack (scipy, datasketch: seconds of imports under load);
    the scorer is imported by the background restore."""
    import subprocess
    import sys

    code = ("import sys, distillguard.gateway.app, distillguard.gateway.cli, distillguard.gateway.enforcer\n"
            "print(' '.join(m for m in ('fastapi', 'starlette', 'httpx', 'distillguard.replay.online', 'scipy', "
            "'datasketch') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"imported at start-up: {out.stdout.strip()}"


def test_a_failed_background_snapshot_does_not_break_shutdown(tmp_path):
    """A periodic snapshot that fails in its worker thread (logged) must not make close() raise;
    close still writes its own snapshot."""
    from distillguard.gateway.policy import PolicyHolder
    from distillguard.gateway.state import MemoryState

    enforcer = Enforcer.open(policy=PolicyHolder(None), state=MemoryState(), state_dir=tmp_path / "s")
    from fractions import Fraction

    enforcer.scorer.unsaveable = Fraction(1, 3)  # copied fine, refused by the data-only format (not distillguard's)
    enforcer.snapshot_in_background()
    enforcer._snapshot_job.exception(timeout=30)
    del enforcer.scorer.unsaveable
    enforcer.close()
    assert (tmp_path / "s" / "snapshot.json").exists()
