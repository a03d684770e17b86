"""A small configuration of the detection benchmark, on the real corpora (smoke test, not timed)."""

from __future__ import annotations

import pytest

from tests.conftest import DATA_DIR


@pytest.mark.skipif(not (DATA_DIR / "MANIFEST.md").exists(), reason="../shared/data is absent: the real corpora are needed")
def test_detection_benchmark_small_configuration(tmp_path, monkeypatch):
    from bench import detection_bench

    monkeypatch.setattr(detection_bench, "WORK", tmp_path)
    tune = detection_bench.build_traffic(DATA_DIR, "tune", 3, "diurnal", legit=40, scale=0.1, seed=1)
    tuned = detection_bench.score_all(tune, DATA_DIR, None, replay=False)
    held = detection_bench.build_traffic(DATA_DIR, "heldout", 3, "bursty", legit=40, scale=0.1, seed=2)
    cell = detection_bench.score_all(held, DATA_DIR, tuned["_thresholds"], replay=True)
    for method in ("distillguard", "volume_rule", "isolation_forest", "prada"):
        assert 0.0 <= cell[method]["auroc"] <= 1.0 and "per_persona_flag_rate" in cell[method]
    assert cell["distillguard"]["auroc"] >= 0.9
    replay = cell["replay"]
    assert replay["median_requests_before_flag"] is not None and 0 <= replay["leaked_share_mean"] <= 1


@pytest.mark.skipif(not (DATA_DIR / "MANIFEST.md").exists(), reason="../shared/data is absent: the real corpora are needed")
def test_a_writing_app_relaying_real_peoples_requests_is_not_flagged(tmp_path):
    """The hardest look-alike: single-turn, every task kind, ceiling max_tokens, long answers, high volume."""
    import orjson

    from distillguard.pipeline import scan
    from distillguard.simulate.corpora import apply_corpora
    from distillguard.simulate.simulator import CampaignSpec, SimConfig, simulate

    config = SimConfig(seed=5, legit_accounts=120, volume_scale=0.15,
                       campaigns=[CampaignSpec("synthetic-instruction-harvest", sybils=3, requests_per_account=400, pacing="diurnal",
                                               cover_share=0.25, paraphrase=True)])
    apply_corpora(config, DATA_DIR, "tune")
    simulate(config, tmp_path)
    labels = {r["account_id"]: r for r in map(orjson.loads, (tmp_path / "labels.jsonl").read_bytes().splitlines())}
    apps = {a for a, r in labels.items() if r["persona"] == "writing-app"}
    harvest = {a for a, r in labels.items() if r["label"] == "attack"}
    assert len(apps) >= 3
    for replay in (False, True):
        verdicts = {v["account_id"]: v for v in scan(tmp_path / "events.jsonl", replay=replay).verdicts}
        assert not any(verdicts[a]["flagged"] for a in apps), [verdicts[a]["findings"] for a in apps if verdicts[a]["flagged"]]
        assert all(verdicts[a]["flagged"] for a in harvest)
        assert all(verdicts[a]["requests"] >= 60 for a in apps)
