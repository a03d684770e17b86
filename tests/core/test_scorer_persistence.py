"""A saved online scorer is data, not code, and resumes where it stopped."""

from __future__ import annotations

import pickle

import pytest

from distillguard.events.readers import RejectSink, iter_events
from distillguard.gateway.snapshot import SnapshotError
from distillguard.replay.online import OnlineScorer


def test_saved_scorer_is_private_data_and_resumes_to_the_same_verdicts(tmp_path):
    from distillguard.simulate.simulator import CampaignSpec, SimConfig, simulate

    simulate(SimConfig(seed=3, legit_accounts=30, volume_scale=0.2, campaigns=[CampaignSpec("cot-coercion", sybils=2, requests_per_account=30)]),
             tmp_path)
    events = list(iter_events([tmp_path / "events.jsonl"], RejectSink()))
    half = len(events) // 2
    straight, resumed = OnlineScorer(), OnlineScorer()
    for event in events:
        straight.process(event)
    for event in events[:half]:
        resumed.process(event)
    path = tmp_path / "scorer.snapshot"
    resumed.save(path)
    assert path.read_bytes().startswith(b"{") and (path.stat().st_mode & 0o777) == 0o600
    loaded = OnlineScorer.load(path)
    for event in events[half:]:
        loaded.process(event)
    expected = {v["account_id"]: (v["flagged"], v["risk"]) for v in straight.verdicts()}
    assert {v["account_id"]: (v["flagged"], v["risk"]) for v in loaded.verdicts()} == expected


def test_a_pickle_in_place_of_a_saved_scorer_is_refused(tmp_path):
    path = tmp_path / "scorer.snapshot"
    path.write_bytes(pickle.dumps({"tracks": {}}))
    with pytest.raises(SnapshotError):
        OnlineScorer.load(path)
