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
