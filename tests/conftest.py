"""Shared fixtures: a small simulated log with ground truth, built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
DATA_DIR = SHARED / "data"
SPEC_DIR = SHARED / "spec"


@pytest.fixture(scope="session")
def small_sim(tmp_path_factory) -> Path:
    from distillguard.simulate.simulator import CampaignSpec, SimConfig, simulate

    out = tmp_path_factory.mktemp("sim")
    campaigns = [
        CampaignSpec("synthetic-instruction-harvest", sybils=8, requests_per_account=40, pacing="diurnal", cover_share=0.2),
        CampaignSpec("cot-coercion", sybils=4, requests_per_account=40),
        CampaignSpec("benchmark-harvest", sybils=4, requests_per_account=40),
        CampaignSpec("logprob-extraction", sybils=2, requests_per_account=60, proxy_pool=0),
        CampaignSpec("capability-sweep", sybils=3, requests_per_account=40),
    ]
    simulate(SimConfig(seed=3, legit_accounts=80, volume_scale=0.25, campaigns=campaigns), out)
    return out
