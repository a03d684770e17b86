"""Verdict -> feature vector for the learned model.

Features are the detector scores a verdict carries (the highest per detector, separately for
the account's own findings and those it has as a campaign member) and a few account
statistics. The feature list is fixed when a model is trained: a detector that a later scan no
longer reports reads as 0, and one it did not know is ignored (and reported), so a model
survives detector changes.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import orjson

from distillguard.learning.jsonl import numbered_objects

STATS = ("log_requests", "linked", "log_campaign_members", "findings_over_0.3")
PRIOR_EPS = 1e-4


class VerdictError(ValueError):
    """A verdicts file that cannot be read; the message names file, line and field."""


def read_verdicts(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        raise VerdictError(f"{path}: no such verdicts file")
    out = []
    for number, row in numbered_objects(path, VerdictError):
        if not isinstance(row, dict):
            raise VerdictError(f"{path}:{number}: expected an object")
        for field, kind in (("account_id", str), ("risk", (int, float))):
            if not isinstance(row.get(field), kind):
                raise VerdictError(f"{path}:{number}: field {field}: missing or of the wrong type")
        if not isinstance(row.get("findings", []), list):
            raise VerdictError(f"{path}:{number}: field findings: not a list")
        out.append(row)
    if not out:
        raise VerdictError(f"{path}: no verdicts")
    return out


def verdicts_from_store(db: Path) -> list[dict[str, Any]]:
    """The latest scan's verdicts from a DuckDB store, in the verdicts-file shape."""
    import duckdb

    if not db.exists():
        raise VerdictError(f"{db}: no such store")
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT account_id, risk, flagged, campaign_id, account_risk, campaign_risk, requests, "
                           "first_flag_request_id, first_flag_ts, requests_before_flag, findings FROM verdicts").fetchall()
    finally:
        con.close()
    keys = ("account_id", "risk", "flagged", "campaign_id", "account_risk", "campaign_risk", "requests",
            "first_flag_request_id", "first_flag_ts", "requests_before_flag")
    verdicts = []
    for row in rows:
        verdict = dict(zip(keys, row[:-1]))
        verdict["findings"] = orjson.loads(row[-1]) if row[-1] else []
        verdicts.append(verdict)
    if not verdicts:
        raise VerdictError(f"{db}: the store holds no verdicts (run `distillguard scan ... --db {db}` first)")
    return verdicts


def detector_keys(finding: dict[str, Any]) -> str:
    scope = finding.get("scope") or "account"
    return finding["detector"] if scope == "account" else f"{finding['detector']}@{scope}"


def feature_names(verdicts: Iterable[dict[str, Any]]) -> list[str]:
    names = {detector_keys(f) for v in verdicts for f in v.get("findings") or [] if isinstance(f.get("detector"), str)}
    return sorted(names) + list(STATS)


def prior_logit(risk: float) -> float:
    p = min(max(float(risk), PRIOR_EPS), 1.0 - PRIOR_EPS)
    return math.log(p / (1.0 - p))


def row(verdict: dict[str, Any], index: dict[str, int]) -> tuple[np.ndarray, set[str]]:
    """One account's features and the detector keys the model does not know."""
    x = np.zeros(len(index))
    unknown = set()
    strong = 0
    for finding in verdict.get("findings") or []:
        if not isinstance(finding.get("detector"), str):
            continue
        score = float(finding.get("score") or 0.0)
        strong += score >= 0.3
        key = detector_keys(finding)
        if key in index:
            x[index[key]] = max(x[index[key]], score)
        else:
            unknown.add(key)
    campaign = verdict.get("campaign") or {}
    stats = {
        "log_requests": math.log1p(float(verdict.get("requests") or 0)),
        "linked": float(bool(verdict.get("campaign_id"))),
        "log_campaign_members": math.log1p(float(campaign.get("members") or 0)) if isinstance(campaign, dict) else 0.0,
        "findings_over_0.3": float(strong),
    }
    for name, value in stats.items():
        if name in index:
            x[index[name]] = value
    return x, unknown


def matrix(verdicts: list[dict[str, Any]], names: list[str]) -> tuple[np.ndarray, np.ndarray, set[str]]:
    """(features, prior logits, unknown detector keys) for a list of verdicts."""
    index = {n: i for i, n in enumerate(names)}
    X = np.zeros((len(verdicts), len(names)))
    unknown: set[str] = set()
    for i, verdict in enumerate(verdicts):
        X[i], missing = row(verdict, index)
        unknown |= missing
    prior = np.array([prior_logit(v["risk"]) for v in verdicts])
    return X, prior, unknown
