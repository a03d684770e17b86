"""Fitted weights follow the evidence: a detector that separates attacks gains weight, one that fires on good accounts loses it."""

from __future__ import annotations

import json

import numpy as np

from bench.fit_detector_weights import WeightModel


def _write(folder, rows):
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "labels.jsonl", "w") as labels, open(folder / "verdicts.jsonl", "w") as verdicts:
        for i, (attack, findings) in enumerate(rows):
            labels.write(json.dumps({"account_id": f"a{i}", "label": "attack" if attack else "legit", "persona": "p"}) + "\n")
            verdicts.write(json.dumps({"account_id": f"a{i}", "findings": [
                {"detector": d, "score": s, "scope": "account"} for d, s in findings.items()]}) + "\n")


def test_weights_move_toward_what_separates(tmp_path):
    rng = np.random.default_rng(0)
    rows = []
    for i in range(400):
        attack = i < 80
        findings = {"logprob_extraction": 0.9 if attack and i % 2 else 0.0,     # fires on half the attacks only
                    "timing_pattern": float(rng.random() < 0.5)}              # fires at random: no information
        rows.append((attack, findings))
    _write(tmp_path / "pop", rows)
    model = WeightModel()
    x, y, _ = model.matrix(tmp_path / "pop")
    assert x.shape == (400, len(model.names)) and y.sum() == 80
    weights = dict(zip(model.names, model.fit([x], [y])))
    prior = dict(zip(model.names, model.prior))
    assert weights["timing_pattern"] < prior["timing_pattern"]
    assert weights["logprob_extraction"] >= prior["logprob_extraction"] - 1e-6
    # detectors the traffic never exercised keep their shipped weight
    assert abs(weights["identity_probe"] - prior["identity_probe"]) < 1e-3
    risk = model.risk(x, np.array([weights[n] for n in model.names]))
    assert risk[y].mean() > risk[~y].mean()


def test_campaign_findings_are_not_read(tmp_path):
    folder = tmp_path / "pop"
    folder.mkdir()
    (folder / "labels.jsonl").write_text(json.dumps({"account_id": "a", "label": "attack"}) + "\n")
    (folder / "verdicts.jsonl").write_text(json.dumps({"account_id": "a", "findings": [
        {"detector": "timing_pattern", "score": 1.0, "scope": "campaign"}]}) + "\n")
    x, _, _ = WeightModel().matrix(folder)
    assert x.sum() == 0
