"""The learned risk: decisions become labels, the rules stay the prior, corrections generalise."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from distillguard.learning import decisions as D
from distillguard.learning import features as F
from distillguard.learning.model import LearnConfig, LearnedRisk, apply, train


def _verdict(account: str, risk: float, findings: dict[str, float], requests: int = 100, campaign: str | None = None) -> dict:
    return {"account_id": account, "risk": risk, "flagged": risk >= 0.5, "campaign_id": campaign, "requests": requests,
            "findings": [{"detector": d.split("@")[0], "score": s, "scope": d.split("@")[1] if "@" in d else "account"}
                         for d, s in findings.items()]}


def _population(seed: int = 0, n: int = 300) -> tuple[list[dict], dict[str, int]]:
    """Attacks fire `instruction_harvest`; a group of good accounts trips `reasoning_coercion`,
    which the rules wrongly score high (a false-positive pattern an analyst keeps overriding)."""
    rng = random.Random(seed)
    verdicts, truth = [], {}
    for i in range(n):
        kind = rng.choice(["legit", "legit", "attack", "stepwise"])
        if kind == "attack":
            score = rng.uniform(0.5, 1.0)
            v = _verdict(f"a{i}", min(0.99, 0.3 + 0.6 * score), {"instruction_harvest": score}, requests=rng.randint(200, 2000))
        elif kind == "stepwise":  # good customers who like "explain step by step"
            score = rng.uniform(0.6, 1.0)
            v = _verdict(f"s{i}", min(0.99, 0.3 + 0.6 * score), {"reasoning_coercion": score}, requests=rng.randint(20, 200))
        else:
            v = _verdict(f"l{i}", rng.uniform(0.0, 0.2), {"usage_anomaly": rng.uniform(0, 0.2)}, requests=rng.randint(5, 300))
        verdicts.append(v)
        truth[v["account_id"]] = 1 if kind == "attack" else 0
    return verdicts, truth


# -- decisions -------------------------------------------------------------------------------
def test_dashboard_decisions_latest_wins_and_unblock_withdraws(tmp_path: Path):
    import duckdb

    from distillguard.dashboard.data import AUDIT_SCHEMA

    db = tmp_path / "store.duckdb"
    con = duckdb.connect(str(db))
    con.execute(AUDIT_SCHEMA)
    rows = [("2026-11-01 10:00:00+00", "admin:ana", "acct-1", None, "approve", "", "{}", "r1"),
            ("2026-11-01 11:00:00+00", "admin:ana", "acct-1", None, "override", "", "{}", "r2"),   # changed her mind
            ("2026-11-01 10:00:00+00", "admin:bo", "acct-2", None, "approve", "", "{}", "r3"),
            ("2026-11-01 10:00:00+00", "admin:bo", "acct-3", None, "approve", "", "{}", "r4"),
            ("2026-11-01 12:00:00+00", "admin:bo", "acct-3", None, "unblock", "", "{}", "r5"),
            ("2026-11-01 12:00:00+00", "policy", "acct-4", None, "throttle", "", "{}", "r6")]
    con.executemany("INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.close()
    assert D.latest_labels(D.from_store(db)) == {"acct-1": D.LEGIT, "acct-2": D.ATTACK}


def test_gateway_overrides_by_analysts_only(tmp_path: Path):
    from distillguard.gateway.audit import AuditLog

    log = AuditLog(tmp_path / "audit.sqlite")
    log.record(actor="policy", account_id="acct-1", action="block", reason="risk 0.9")
    log.record(actor="admin:ana", account_id="acct-2", action="override:allow", reason="known customer")
    log.record(actor="admin:ana", account_id="acct-3", action="override:block", reason="confirmed")
    log.record(actor="admin:ana", account_id="acct-3", action="override:reset", reason="")
    log.record(actor="admin:bo", account_id="acct-5", action="override:block", reason="confirmed")
    log.close()
    assert D.latest_labels(D.from_gateway_audit(tmp_path / "audit.sqlite")) == {"acct-2": D.LEGIT, "acct-5": D.ATTACK}


def test_labels_file_errors_name_line_and_field(tmp_path: Path):
    path = tmp_path / "labels.jsonl"
    path.write_text('{"account_id": "a", "label": "attack"}\n\n{"account_id": "b", "decision": "maybe"}\n')
    with pytest.raises(D.DecisionError, match=r"labels.jsonl:3: field decision"):
        D.from_jsonl(path)
    path.write_text('{"account_id": "a", "decision": "allow"}\n{"account_id": "b", "label": "attack"}\n')
    assert D.latest_labels(D.from_jsonl(path)) == {"a": D.LEGIT, "b": D.ATTACK}


# -- model --------------------------------------------------------------------------------------
def test_few_labels_leave_the_rules_unchanged():
    verdicts, truth = _population()
    few = dict(list(truth.items())[:6])
    model = train(verdicts, few)
    assert model.boosting is None and model.report["mode"].startswith("rules only")
    new, _ = apply(model, verdicts, blend=1.0)
    assert all(abs(v["learned_risk"] - v["rule_risk"]) < 1e-3 for v in new)


def test_one_contradicting_label_cannot_undo_strong_rule_evidence():
    verdicts, truth = _population()
    labels = {a: y for a, y in list(truth.items())[:12]}
    attack = next(v for v in verdicts if v["account_id"].startswith("a") and v["risk"] > 0.85)
    labels[attack["account_id"]] = D.LEGIT  # one analyst mistake
    model = train(verdicts, labels, LearnConfig(min_labels=5, min_per_class=1))
    new, _ = apply(model, verdicts, blend=1.0)
    by_id = {v["account_id"]: v for v in new}
    other_attacks = [v for v in new if v["account_id"].startswith("a") and v["rule_risk"] > 0.85 and v["account_id"] not in labels]
    assert by_id[attack["account_id"]]["learned_risk"] > 0.5
    assert np.mean([v["learned_risk"] for v in other_attacks]) > 0.8


def test_learns_a_false_positive_pattern_for_unlabelled_accounts():
    verdicts, truth = _population(n=400)
    rng = random.Random(1)
    labelled = dict(rng.sample(sorted(truth.items()), 150))
    model = train(verdicts, labelled)
    assert model.report["mode"] == "learned" and model.trust > 0.7
    new, _ = apply(model, verdicts, blend=1.0)
    unseen = [v for v in new if v["account_id"] not in labelled]
    stepwise = [v for v in unseen if v["account_id"].startswith("s")]
    attacks = [v for v in unseen if v["account_id"].startswith("a")]
    assert np.mean([v["rule_risk"] for v in stepwise]) > 0.6            # the rules flag them
    assert np.mean([v["learned_risk"] for v in stepwise]) < 0.2         # the model learned they are customers
    assert np.mean([v["learned_risk"] for v in attacks]) > 0.8          # without losing the attacks
    why = next(v["learned"]["moved_by"] for v in stepwise if v["learned"]["moved_by"])
    assert why[0]["feature"] == "reasoning_coercion" and why[0]["logit"] < 0
    oof = model.report["out_of_fold"]
    assert oof["auroc_learned"] > oof["auroc_rules"] and oof["brier_learned"] < oof["brier_rules"]


def test_missing_and_new_detectors_do_not_break_a_model():
    verdicts, truth = _population()
    model = train(verdicts, truth)
    changed = [_verdict("x1", 0.9, {"brand_new_detector": 0.9}), _verdict("x2", 0.05, {})]
    new, unknown = apply(model, changed, blend=1.0)
    assert unknown == {"brand_new_detector"}
    assert 0.0 <= new[1]["learned_risk"] <= 1.0 and new[0]["learned_risk"] > new[1]["learned_risk"]


def test_model_file_roundtrip_is_private(tmp_path: Path):
    verdicts, truth = _population()
    model = train(verdicts, truth)
    path = tmp_path / "m.json"
    model.save(path)
    assert path.stat().st_mode & 0o077 == 0
    loaded = LearnedRisk.load(path)
    X, prior, _ = F.matrix(verdicts, model.names)
    assert np.allclose(loaded.predict(X, prior), model.predict(X, prior))
    (tmp_path / "junk.json").write_bytes(b"not a model")
    with pytest.raises(ValueError, match="not a distillguard learned-risk model"):
        LearnedRisk.load(tmp_path / "junk.json")


# -- CLI ---------------------------------------------------------------------------------------
def test_cli_train_apply_and_errors(tmp_path: Path):
    from typer.testing import CliRunner

    from distillguard.cli import app

    verdicts, truth = _population()
    vpath, lpath = tmp_path / "verdicts.jsonl", tmp_path / "labels.jsonl"
    vpath.write_text("".join(json.dumps(v) + "\n" for v in verdicts))
    lpath.write_text("".join(json.dumps({"account_id": a, "label": "attack" if y else "legit"}) + "\n" for a, y in list(truth.items())[:120]))
    runner = CliRunner()
    model = tmp_path / "m.json"
    result = runner.invoke(app, ["learn", "train", "--verdicts", str(vpath), "--labels", str(lpath), "--model", str(model)])
    assert result.exit_code == 0, result.output
    assert "mode: learned" in result.output
    out = tmp_path / "new.jsonl"
    result = runner.invoke(app, ["learn", "apply", "--model", str(model), "--verdicts", str(vpath), "--out", str(out), "--blend", "0.5"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == len(verdicts) and all("learned_risk" in r and "rule_risk" in r for r in rows)
    assert all(abs(r["risk"] - round(0.5 * r["rule_risk"] + 0.5 * r["learned_risk"], 4)) < 1e-3 for r in rows)
    vpath.write_text('{"account_id": "a", "risk": "high"}\n')
    result = runner.invoke(app, ["learn", "apply", "--model", str(model), "--verdicts", str(vpath), "--out", str(out)])
    assert result.exit_code == 2 and "verdicts.jsonl:1: field risk" in result.output
    assert "Traceback" not in result.output


def test_cli_trains_from_a_store_with_dashboard_decisions(tmp_path: Path):
    import duckdb
    from typer.testing import CliRunner

    from distillguard.cli import app
    from distillguard.dashboard.data import AUDIT_SCHEMA
    from distillguard.store.duckdb_store import Store

    verdicts, truth = _population()
    db = tmp_path / "store.duckdb"
    store = Store(db)
    store.write_results(1, verdicts, [], {})
    store.close()
    runner = CliRunner()
    result = runner.invoke(app, ["learn", "train", "--db", str(db), "--model", str(tmp_path / "m.json")])
    assert result.exit_code == 2 and "no analyst decisions found" in result.output
    con = duckdb.connect(str(db))
    con.execute(AUDIT_SCHEMA)
    con.executemany("INSERT INTO audit VALUES (now(), 'admin:ana', ?, NULL, ?, '', '{}', ?)",
                    [(a, "approve" if y else "override", f"r{i}") for i, (a, y) in enumerate(list(truth.items())[:80])])
    con.close()
    result = runner.invoke(app, ["learn", "train", "--db", str(db), "--model", str(tmp_path / "m.json"), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["labels"] == 80 and report["mode"] == "learned"
    result = runner.invoke(app, ["learn", "apply", "--model", str(tmp_path / "m.json"), "--db", str(db), "--out", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 0, result.output
    assert sum(1 for _ in open(tmp_path / "o.jsonl")) == len(verdicts)


def test_labels_from_the_top_of_the_queue_do_not_raise_quiet_accounts():
    """Analysts label the highest-risk accounts, nearly all attacks; the model must not learn
    "everything is an attack" and lift the quiet customers below the queue."""
    verdicts, truth = _population(seed=3, n=400)
    stepwise = [v for v in verdicts if v["account_id"].startswith("s")]
    verdicts = [v for v in verdicts if not v["account_id"].startswith("s")] + stepwise[:8]  # a few legit at the top
    for v in verdicts:  # a missed, quieter attack pattern: moderate rule risk, same detector
        if v["account_id"].startswith("a") and v["findings"][0]["score"] < 0.7:
            v["risk"] = 0.12
    top = sorted(verdicts, key=lambda v: -v["risk"])[:66]
    labels = {v["account_id"]: truth[v["account_id"]] for v in top}
    assert sum(labels.values()) > 0.8 * len(labels)
    model = train(verdicts, labels)
    new, _ = apply(model, verdicts, blend=1.0)
    quiet = [v for v in new if v["account_id"].startswith("l") and v["account_id"] not in labels]
    assert max(v["learned_risk"] for v in quiet) < 0.3
    assert np.mean([v["learned_risk"] - v["rule_risk"] for v in quiet]) < 0.02


def test_model_file_is_data_a_pickle_is_refused(tmp_path: Path):
    """Defect: model files were pickles, so a file planted where `learn apply` reads ran code."""
    import pickle

    verdicts, truth = _population()
    path = tmp_path / "m.json"
    train(verdicts, truth).save(path)
    assert path.read_bytes().startswith(b"{")
    planted = tmp_path / "planted.json"
    planted.write_bytes(pickle.dumps({"format": "distillguard-learned-risk/1"}))
    with pytest.raises(ValueError, match="not JSON"):
        LearnedRisk.load(planted)


def test_tree_arrays_split_as_scikit_learn_does():
    from sklearn.tree import DecisionTreeRegressor

    from distillguard.learning.model import FittedTree

    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 5))
    y = X[:, 0] * 2 + (X[:, 3] > 0.1) + rng.normal(scale=0.1, size=400)
    tree = DecisionTreeRegressor(max_depth=4, random_state=0).fit(X, y)
    arrays = FittedTree.from_sklearn(tree, tree.tree_.value.ravel())
    Z = rng.normal(size=(300, 5))
    assert np.array_equal(arrays.predict(Z), tree.predict(Z))
