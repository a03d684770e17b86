"""The gateway and a replay over its event log reach the same verdicts.

Simulated traffic (ordinary accounts and two extraction campaigns) goes through a running
gateway from four concurrent clients; then its event log is replayed (a) by a fresh
OnlineScorer, which must reproduce the gateway scorer's verdicts exactly, and (b) by
`distillguard scan --replay` (pipeline.scan), which must flag the same accounts at the same
first request."""

from __future__ import annotations

import hashlib
import threading

import httpx
import orjson
import pytest

from distillguard.events.model import parse_event
from distillguard.gateway.eventlog import iter_events
from distillguard.replay.online import OnlineScorer

from .conftest import run_gateway


def _sim():
    from distillguard.simulate.simulator import CampaignSpec, SimConfig, generate

    config = SimConfig(seed=5, days=2, legit_accounts=25, volume_scale=0.15, campaigns=[
        CampaignSpec("logprob-extraction", sybils=2, requests_per_account=60, proxy_pool=0),
        CampaignSpec("cot-coercion", sybils=3, requests_per_account=30)])
    return generate(config)


def _keys_yaml(events) -> tuple[str, dict[str, str]]:
    lines, keys = ["keys:"], {}
    for event in events:
        account_id = event["account_id"]
        if account_id in keys:
            continue
        keys[account_id] = f"sk-sim-{account_id}"
        lines.append(f"  - sha256: {hashlib.sha256(keys[account_id].encode()).hexdigest()}")
        lines.append(f"    account_id: {account_id}")
        if event.get("org_id"):
            lines.append(f"    org_id: {event['org_id']}")
        for field, value in (event.get("account") or {}).items():
            if value is not None:
                lines.append(f"    {field}: {orjson.dumps(value).decode()}")
    return "\n".join(lines) + "\n", keys


def _canon(verdicts):
    return orjson.loads(orjson.dumps(sorted(verdicts, key=lambda v: v["account_id"]), option=orjson.OPT_SORT_KEYS))


@pytest.mark.slow
def test_gateway_and_replay_reach_the_same_verdicts(tmp_path):
    events, labels = _sim()
    text, keys = _keys_yaml(events)
    (tmp_path / "sim-keys.yaml").write_text(text)
    attackers = {label["account_id"] for label in labels if label["label"] == "attack"}
    with run_gateway(tmp_path, "reload_check_s: 0\ntrusted_proxies: [127.0.0.1]\n", keys_path=tmp_path / "sim-keys.yaml",
                     words=30) as gw:
        statuses: list[int] = []

        def client(part):
            with httpx.Client(base_url=gw.url, timeout=30) as c, gw.admin() as admin:
                for n, event in enumerate(part):
                    if n % 40 == 0:  # an analyst looking at accounts mid-run must not change the outcome
                        assert admin.get(f"/admin/accounts/{event['account_id']}").status_code == 200
                    headers = {"Authorization": f"Bearer {keys[event['account_id']]}", "X-Forwarded-For": event["ip"],
                               "User-Agent": event["user_agent"]}
                    r = c.post(event["endpoint"] or "/v1/chat/completions", json=event["request"], headers=headers)
                    statuses.append(r.status_code)

        threads = [threading.Thread(target=client, args=(events[i::4],)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=240)
        assert len(statuses) == len(events) and set(statuses) <= {200, 403}
        # The scorer's step for a response runs on the gateway's loop after its last byte; a request to the
        # gateway (its /metrics folds queued events in) orders this read after every one of them.
        with gw.admin() as admin:
            assert admin.get("/metrics").status_code == 200
        live = _canon(gw.enforcer.scorer.verdicts())
    log_path = gw.state_dir / "events.jsonl"
    logged = [e for _, e in iter_events(log_path)]
    assert len(logged) == len(events)
    assert [e["ts"] for e in logged] == sorted(e["ts"] for e in logged)  # the log is in time order

    fresh = OnlineScorer()
    for raw in logged:
        fresh.process(parse_event(raw))
    assert _canon(fresh.verdicts()) == live

    flagged = {v["account_id"]: v["first_flag_request_id"] for v in live if v["flagged"]}
    assert flagged and set(flagged) <= attackers, f"flagged {set(flagged) - attackers} that are not attackers"
    assert 403 in statuses  # the flagged accounts were refused while their harvest was running

    from distillguard.pipeline import scan

    result = scan(log_path, out=tmp_path / "verdicts.jsonl", replay=True)
    replayed = {v["account_id"]: v["first_flag_request_id"] for v in result.verdicts if v["flagged"]}
    assert replayed == flagged
