"""kill -9 under load loses no event of a completed response; a restart resumes the scorer's state."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import orjson
import pytest

from distillguard.gateway.eventlog import iter_events
from distillguard.gateway.testing import ServerThread, fake_upstream, free_port

from .conftest import ADMIN_TOKEN, CHAT, CLIENT_KEYS, UPSTREAM_KEY, write_keys
from .test_policy import _probe


def _start(tmp_path: Path, upstream: str, port: int, log_name: str, *extra: str) -> subprocess.Popen:
    env = dict(os.environ, DISTILLGUARD_ADMIN_TOKEN=ADMIN_TOKEN, DISTILLGUARD_UPSTREAM_API_KEY=UPSTREAM_KEY)
    policy = tmp_path / "policy.yaml"
    policy.write_text("trusted_proxies: [127.0.0.1]\n")
    out = open(tmp_path / log_name, "wb")
    proc = subprocess.Popen([sys.executable, "-m", "distillguard.cli", "gateway", "--upstream", upstream, "--port", str(port),
                             "--keys", str(write_keys(tmp_path / "keys.yaml")), "--policy", str(policy),
                             "--state-dir", str(tmp_path / "state"), *extra], stdout=out, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise RuntimeError((tmp_path / log_name).read_text())
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("gateway did not start")


def _headers(who: str) -> dict:
    n = list(CLIENT_KEYS).index(who)
    return {"Authorization": f"Bearer {CLIENT_KEYS[who]}", "User-Agent": f"client-{who}/1.{n}", "X-Forwarded-For": f"203.0.113.{10 + n}"}


@pytest.mark.slow
def test_kill9_under_load_loses_no_completed_event_and_restart_resumes(tmp_path):
    with ServerThread(fake_upstream(api_key=UPSTREAM_KEY, words=40)) as up:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        proc = _start(tmp_path, up.url + "/v1", port, "gw1.log", "--snapshot-every", "50")
        try:
            # 1. an extraction sweep gets mallory flagged (and blocked) before the crash
            with httpx.Client(base_url=url, headers=_headers("mallory"), timeout=30) as c:
                codes = [c.post("/v1/chat/completions", json=_probe(i)).status_code for i in range(100)]
            assert codes[-1] == 403
            # 2. load from three accounts, streamed and not, then kill -9 mid-flight
            completed: list[str] = []
            lock = threading.Lock()
            stop = threading.Event()

            def worker(who: str, stream: bool) -> None:
                with httpx.Client(base_url=url, headers=_headers(who), timeout=30) as c:
                    for i in range(400):
                        if stop.is_set():
                            return
                        body = dict(CHAT, stream=stream, messages=[{"role": "user", "content": f"question {i} from {who}"}])
                        try:
                            r = c.post("/v1/chat/completions", json=body)
                        except httpx.HTTPError:
                            return  # the gateway died under us: this response did not complete
                        done = r.status_code == 200 and (r.text.rstrip().endswith("data: [DONE]") if stream else r.json().get("choices"))
                        if done:
                            with lock:
                                completed.append(r.headers["X-Request-Id"])

            threads = [threading.Thread(target=worker, args=(w, s)) for w, s in (("alice", False), ("bob", True), ("carol", False), ("alice", True))]
            for t in threads:
                t.start()
            time.sleep(2.0)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
            stop.set()
            for t in threads:
                t.join(timeout=30)
            assert len(completed) > 20
            logged = {e["request_id"]: e for _, e in iter_events(tmp_path / "state" / "events.jsonl")}
            missing = [rid for rid in completed if rid not in logged]
            assert not missing, f"{len(missing)} completed responses have no event"
            print(f"kill -9: {len(completed)} responses completed, all {len(completed)} in the log "
                  f"({len(logged)} events logged in all)")
            assert all(logged[rid]["status"] == 200 and logged[rid]["response"]["choices"] for rid in completed)
            # 3. restart: the last periodic snapshot + the log's tail rebuild exactly the state a full replay gives
            proc = _start(tmp_path, up.url + "/v1", port, "gw2.log")
            from distillguard.events.model import parse_event
            from distillguard.replay.online import OnlineScorer

            fresh = OnlineScorer()
            for event in logged.values():
                fresh.process(parse_event(event))
            with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=30) as admin:
                for who in CLIENT_KEYS:
                    view = admin.get(f"/admin/accounts/acct-{who}").json()
                    expected = orjson.loads(orjson.dumps(fresh.verdict(f"acct-{who}")))
                    assert view["verdict"] == expected, who
                alice = admin.get("/admin/accounts/acct-alice").json()
                assert alice["requests_seen"] == sum(1 for e in logged.values() if e["account_id"] == "acct-alice")
                assert admin.get("/admin/accounts/acct-mallory").json()["verdict"]["flagged"]
                metrics = admin.get("/metrics").text
                restored = int(float(next(l for l in metrics.splitlines() if l.startswith("distillguard_events_restored ")).split()[-1]))
                assert 0 < restored < len(logged)  # only the tail after the last snapshot was replayed
            with httpx.Client(base_url=url, headers=_headers("mallory"), timeout=30) as c:
                r = c.post("/v1/chat/completions", json=_probe(5000))
                assert r.status_code == 403 and r.json()["error"]["code"] == "account_blocked"
            # graceful stop writes a snapshot; the next start loads it and replays only the tail
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
            assert (tmp_path / "state" / "snapshot.json").exists()
            proc = _start(tmp_path, up.url + "/v1", port, "gw3.log")
            with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=30) as admin:
                assert "distillguard_events_restored 0" in admin.get("/metrics").text
                assert admin.get("/admin/accounts/acct-mallory").json()["verdict"]["flagged"]
            with httpx.Client(base_url=url, headers=_headers("mallory"), timeout=30) as c:
                assert c.post("/v1/chat/completions", json=_probe(6000)).status_code == 403
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=10)
    # the crash may have torn the last line; the next start repaired it
    for line in (tmp_path / "state" / "events.jsonl").read_bytes().splitlines():
        orjson.loads(line)


def test_analyst_decisions_survive_kill9_without_redis(tmp_path):
    """A block, a hold (on the review queue) and a block that expires, each acknowledged by the admin
    API, hold across three kill -9 restarts; the expired one lets the account through again."""
    admin_headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with ServerThread(fake_upstream(api_key=UPSTREAM_KEY)) as up:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        proc = _start(tmp_path, up.url + "/v1", port, "d0.log")
        try:
            with httpx.Client(base_url=url, headers=admin_headers, timeout=30) as admin:
                for who, action, extra in (("bob", "block", {}), ("carol", "hold", {}), ("alice", "block", {"expires_in_s": 4})):
                    r = admin.post(f"/admin/accounts/acct-{who}/override", json={"action": action, "reason": "ticket 7", **extra})
                    assert r.status_code == 200
            blocked_until = time.monotonic() + 4
            for restart in range(3):
                with httpx.Client(base_url=url, timeout=30) as c:
                    assert c.post("/v1/chat/completions", json=CHAT, headers=_headers("bob")).json()["error"]["code"] == "account_blocked"
                    assert c.post("/v1/chat/completions", json=CHAT, headers=_headers("carol")).json()["error"]["code"] == \
                        "account_held_for_review"
                    if time.monotonic() < blocked_until - 0.5:
                        assert c.post("/v1/chat/completions", json=CHAT, headers=_headers("alice")).status_code == 403
                    assert c.post("/v1/chat/completions", json=CHAT, headers=_headers("mallory")).status_code == 200
                with httpx.Client(base_url=url, headers=admin_headers, timeout=30) as admin:
                    queue = [item["account_id"] for item in admin.get("/admin/review-queue").json()["items"]]
                    assert "acct-carol" in queue, restart
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=10)
                proc = _start(tmp_path, up.url + "/v1", port, f"d{restart + 1}.log")
            time.sleep(max(0.0, blocked_until - time.monotonic()))
            with httpx.Client(base_url=url, timeout=30) as c:
                assert c.post("/v1/chat/completions", json=CHAT, headers=_headers("alice")).status_code == 200
                assert c.post("/v1/chat/completions", json=CHAT, headers=_headers("bob")).status_code == 403
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=10)


_EVIL_MARK = "owned-by-snapshot"


class _Evil:
    def __reduce__(self):
        import os

        return (os.system, (f"touch {_EVIL_MARK}",))


def test_a_planted_snapshot_runs_no_code(tmp_path, monkeypatch):
    """Whoever can write the state folder must not run code in the gateway: a pickle planted under
    the old and the new snapshot names is not executed, and a data snapshot naming a function is refused."""
    import pickle

    from distillguard.gateway.enforcer import Enforcer
    from distillguard.gateway.policy import PolicyHolder
    from distillguard.gateway.state import MemoryState

    monkeypatch.chdir(tmp_path)
    state = tmp_path / "state"
    state.mkdir()
    bomb = pickle.dumps({"log": str((state / "events.jsonl").resolve()), "offset": 0, "scorer_file": "scorer-0.pkl", "x": _Evil()})
    for name in ("snapshot.pkl", "scorer-0.pkl", "snapshot.json"):
        (state / name).write_bytes(bomb)
    enforcer = Enforcer.open(policy=PolicyHolder(None), state=MemoryState(), state_dir=state)
    enforcer.eventlog.close()
    assert not (tmp_path / _EVIL_MARK).exists()
    (state / "snapshot.json").write_bytes(orjson.dumps({"format": "distillguard-snapshot/1", "payload": [
        "D", 0, [["scorer", ["O", 1, "os:system", []]], ["log", "x"], ["offset", 0]]]}))
    from distillguard.gateway.snapshot import SnapshotError, read_snapshot

    with pytest.raises(SnapshotError):
        read_snapshot(state / "snapshot.json")
    # and what the gateway writes is data: JSON all the way down
    enforcer = Enforcer.open(policy=PolicyHolder(None), state=MemoryState(), state_dir=state)
    enforcer.close()
    doc = orjson.loads((state / "snapshot.json").read_bytes())
    assert doc["format"] == "distillguard-snapshot/1" and b"\x80" not in (state / "snapshot.json").read_bytes()[:2]
