"""Two replicas behind a round-robin balancer catch a sybil campaign as early as one gateway.

Each replica alone scores only the half of the traffic it serves, so a campaign spread over
replicas links and flags late. With `--bus` (one event stream, see gateway.replicas) both
replicas score all of it. Needs redis-server (scripts/test-services.sh installs it)."""

from __future__ import annotations

import time
from contextlib import ExitStack

import httpx
import pytest

from .conftest import run_gateway
from .test_replay_equivalence import _keys_yaml
from .test_redis import REDIS, redis_url  # noqa: F401  (fixture)

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(REDIS is None, reason="redis-server not installed (scripts/test-services.sh)")]


def _campaign():
    from distillguard.simulate.simulator import CampaignSpec, SimConfig, generate

    events, labels = generate(SimConfig(seed=3, days=1, legit_accounts=6, volume_scale=0.1, campaigns=[
        CampaignSpec("logprob-extraction", sybils=40, requests_per_account=8, proxy_pool=0)]))
    attackers = {label["account_id"] for label in labels if label["label"] == "attack"}
    return events, attackers


def _served_attacks(urls, events, keys, attackers) -> int:
    served = 0
    clients = [httpx.Client(base_url=url, timeout=30) for url in urls]
    try:
        for n, event in enumerate(events):
            headers = {"Authorization": f"Bearer {keys[event['account_id']]}", "X-Forwarded-For": event["ip"],
                       "User-Agent": event["user_agent"]}
            r = clients[n % len(clients)].post(event["endpoint"] or "/v1/chat/completions", json=event["request"], headers=headers)
            served += r.status_code == 200 and event["account_id"] in attackers
    finally:
        for c in clients:
            c.close()
    return served


def test_two_replicas_on_one_bus_leak_no_more_than_one_gateway(tmp_path, redis_url):  # noqa: F811
    events, attackers = _campaign()
    keys_path = tmp_path / "keys.yaml"
    text, keys = _keys_yaml(events)
    keys_path.write_text(text)
    policy = "reload_check_s: 0\ntrusted_proxies: [127.0.0.1]\n"
    for sub in ("one", "a", "b"):
        (tmp_path / sub).mkdir()
    with run_gateway(tmp_path / "one", policy, keys_path=keys_path) as one:
        alone = _served_attacks([one.url], events, keys, attackers)
    with ExitStack() as stack:
        a = stack.enter_context(run_gateway(tmp_path / "a", policy, keys_path=keys_path, redis_url=redis_url, bus_url=redis_url,
                                            redis_timeout_s=1.0))
        b = stack.enter_context(run_gateway(tmp_path / "b", policy, keys_path=keys_path, redis_url=redis_url, bus_url=redis_url,
                                            redis_timeout_s=1.0))
        pair = _served_attacks([a.url, b.url], events, keys, attackers)
        # a replica waits for its own events to come back from the bus before answering, but
        # consumes the other replica's last events asynchronously: give it a moment to catch up
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and min(a.enforcer.scorer.events_seen, b.enforcer.scorer.events_seen) < len(events):
            time.sleep(0.05)
        seen = (a.enforcer.scorer.events_seen, b.enforcer.scorer.events_seen)
    print(f"attack requests served: one gateway {alone}, two replicas on one bus {pair}")
    assert alone < len([e for e in events if e["account_id"] in attackers])  # the campaign is caught at all
    assert pair <= alone + 1, f"two replicas served {pair} attack requests, one gateway {alone}"
    assert seen[0] == seen[1] == len(events)  # each replica scored every replica's events
