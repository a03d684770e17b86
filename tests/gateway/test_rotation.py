"""Event-log rotation with retention: segments in order, a crash between rotation and snapshot."""

from __future__ import annotations

import asyncio

import orjson

from distillguard.events.model import parse_event
from distillguard.gateway.enforcer import Enforcer
from distillguard.gateway.eventlog import archive_name, iter_events, segments
from distillguard.gateway.policy import PolicyHolder
from distillguard.gateway.state import MemoryState
from distillguard.replay.online import OnlineScorer


def _events():
    from distillguard.simulate.simulator import CampaignSpec, SimConfig, generate

    events, _ = generate(SimConfig(seed=9, days=1, legit_accounts=12, volume_scale=0.2, campaigns=[
        CampaignSpec("logprob-extraction", sybils=2, requests_per_account=40, proxy_pool=0)]))
    return events


def _canon(scorer) -> list:
    return orjson.loads(orjson.dumps(sorted(scorer.verdicts(), key=lambda v: v["account_id"]), option=orjson.OPT_SORT_KEYS))


def _open(state, **kw) -> Enforcer:
    return Enforcer.open(policy=PolicyHolder(None), state=MemoryState(), state_dir=state, snapshot_every=60, **kw)


def test_a_crash_between_rotation_and_snapshot_loses_nothing(tmp_path):
    events = _events()
    state = tmp_path / "state"
    cut = len(events) * 3 // 4

    async def serve() -> Enforcer:
        enforcer = _open(state, rotate_bytes=30_000, retain_segments=100)
        for event in events[:cut]:
            await enforcer.complete(dict(event))
        if enforcer._snapshot_job is not None:
            enforcer._snapshot_job.result()
        enforcer.eventlog.rotate(archive_name(enforcer.log_path, 999))  # rotated; the process dies before the next snapshot
        for event in events[cut:]:
            await enforcer.complete(dict(event))
        if enforcer._snapshot_job is not None:  # what is on disk at the crash must not depend on a writer thread's timing
            enforcer._snapshot_job.result()
        return enforcer

    live = asyncio.run(serve())
    files = segments(state / "events.jsonl")
    assert len(files) >= 3 and all(f.exists() for f in files)
    logged = [raw for f in files for _, raw in iter_events(f)]
    assert [e["request_id"] for e in logged] == [e["request_id"] for e in events]
    restarted = _open(state)
    fresh = OnlineScorer()
    for raw in logged:
        fresh.process(parse_event(raw))
    assert _canon(restarted.scorer) == _canon(fresh) == _canon(live.scorer)
    assert 0 < restarted.restored_events < len(events)  # from the snapshot in an archived segment, not from scratch
    restarted.eventlog.close()


def test_retention_keeps_the_newest_segments(tmp_path):
    events = _events()
    state = tmp_path / "state"

    async def serve() -> Enforcer:
        enforcer = _open(state, rotate_bytes=20_000, retain_segments=2)
        for event in events:
            await enforcer.complete(dict(event))
        enforcer.close()
        return enforcer

    live = asyncio.run(serve())
    archives = segments(state / "events.jsonl")[:-1]
    assert len(archives) == 2 and live.metrics.counters[("distillguard_log_rotations_total", ())] > 2
    restarted = _open(state)
    assert restarted.restored_events == 0 and _canon(restarted.scorer) == _canon(live.scorer)
    restarted.eventlog.close()
