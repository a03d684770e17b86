"""End to end on loopback: detected at A, shared via the hub, matched and throttled at B and C.

A's detection is given (the scan/replay engine is another part of the project);
everything after it is real: export, TAXII push, signed webhooks to B and C,
their polls, validation, the intel_match detector and the block decision.
"""

import time

from tests.intel._helpers import COLLECTION, KEYS, hub_config, oracle_detection, parsed
from distillguard.intel.hub import create_app
from distillguard.intel.hub_store import HubStore
from distillguard.intel.respond import HubLink, ProviderNode
from distillguard.intel.serve import ServerThread, free_port


def test_campaign_detected_at_a_is_throttled_at_b_and_c(traffic, keyring, tmp_path):
    secrets = {"B": b"hook-secret-B-123456", "C": b"hook-secret-C-654321"}
    hub_port = free_port()
    link = lambda name: HubLink(f"http://127.0.0.1:{hub_port}", "consortium", COLLECTION, name, KEYS[name])
    nodes = {name: ProviderNode(name, keyring, link(name), webhook_secret=secrets.get(name)) for name in ("A", "B", "C")}
    receivers = {name: ServerThread(nodes[name].webhook_app()) for name in ("B", "C")}
    for r in receivers.values():
        r.start()
    hooks = {name: (f"{receivers[name].url}/intel/webhook", secrets[name]) for name in receivers}
    store = HubStore(tmp_path / "hub.sqlite")
    try:
        with ServerThread(create_app(hub_config(hooks), store), port=hub_port):
            # B and C serve the first half of their traffic before A detects anything.
            halves = {p: parsed(traffic.events[p]) for p in ("B", "C")}
            for p, events in halves.items():
                for e in events[: len(events) // 2]:
                    assert nodes[p].admit(e)
            campaigns, flagged, events_a = oracle_detection(traffic)
            detected = time.monotonic()
            result = nodes["A"].share(campaigns, flagged, events_a)
            assert result["status"]["success_count"] > 0
            # No polling here: only the hub's signed webhook makes B and C fetch.
            assert nodes["B"].wait_for_intel(15) and nodes["C"].wait_for_intel(15)
            latency = max(nodes[p].intel_loaded_at[0] for p in ("B", "C")) - detected
            assert latency < 10
            for p, events in halves.items():
                refused = {e.account_id for e in events[len(events) // 2 :] if not nodes[p].admit(e)}
                attack = {a for a, l in traffic.labels[p].items() if l["label"] == "attack"}
                assert len(refused & attack) >= 4, (p, refused)
                assert not refused - attack, p  # no legit customer throttled
                assert not nodes[p].problems and not nodes[p].webhook_refusals
    finally:
        for r in receivers.values():
            r.stop()
        store.close()


def test_with_the_project_simulator_and_online_scorer():
    """The benchmark's scenario, small: the simulator's campaign split over A, B, C; A's own online
    scorer detects it; real hub, webhooks and polls; B and C block on the shared intel."""
    import pytest

    pytest.importorskip("distillguard.replay.online")
    pytest.importorskip("distillguard.simulate.simulator")
    from pathlib import Path

    from bench import intel_bench
    from distillguard.events.model import parse_event

    raw, labels, _, _ = intel_bench.simulate(Path("/nonexistent"), True, size=(1, 60, 12))  # procedural prompts
    split = {p: [] for p in intel_bench.PROVIDERS}
    for e in raw:
        split[intel_bench.provider_of(e["account_id"])].append(parse_event(e))
    result = intel_bench.scenario(split, labels, 0.0)
    peers = result["peers"].values()
    assert result["shares"] and all(v < 10 for v in result["sharing_wall_clock_seconds"].values())
    assert sum(p["attack_blocked_by_intel"] for p in peers) >= 0.5 * sum(p["attack_accounts"] for p in peers)
    assert sum(p["legit_blocked_by_intel"] for p in peers) == 0
    assert result["leaked_share_with_sharing"] <= result["leaked_share_without_sharing"]
    assert result["leaked_share_intel_only"] < 1.0
