"""The tuning generators stay usable: gen3 writes a log the scanner reads whole, with a label for every account."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from distillguard.pipeline import scan

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / "shared" / "data"


@pytest.mark.skipif(not (DATA / "MANIFEST.md").exists(), reason="gen3 draws its text from ../shared/data, absent here")
def test_gen3_tiny_log_scans_without_rejects(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(REPO / "bench" / "gen3"), GEN3_DATA=str(DATA))
    subprocess.run([sys.executable, "-m", "gen3.generate", "--seed", "5", "--scale", "tiny", "--out", str(tmp_path)],
                   check=True, env=env, capture_output=True)
    labels = [json.loads(line) for line in (tmp_path / "labels.jsonl").read_text().splitlines()]
    assert {row["label"] for row in labels} == {"attack", "legit"}
    result = scan([tmp_path / "events.jsonl"], out=tmp_path / "verdicts.jsonl", db=None)
    assert result.stats["rejects"] == 0
    assert {v["account_id"] for v in result.verdicts} == {row["account_id"] for row in labels}
