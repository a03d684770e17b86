"""The learned risk: gradient boosting that starts from the rules and learns corrections.

* Prior: the boosting starts from the rule-based risk itself (an offset), so trees only fit what
  the rules get wrong on the labelled accounts, and they see the features, never the prior.
* Shrinkage: the correction is scaled by trust = n / (n + trust_labels) and clipped to
  ±max_shift log-odds; below `min_labels` (or with one class only) the model is the rules alone.
* Calibration: a Platt slope fitted on out-of-fold predictions, penalised towards the identity and
  shrunk by the same trust, so that few labels leave the scale as it was (no intercept: see _platt).
* Centring: the correction is measured from a quiet account (every feature at its reference: 0
  for a detector score, the population median for a statistic), so a labelled set that is mostly
  attacks (the top of the queue) cannot raise every account alike.
* Explanation: for each account, the change in log-odds when a feature is set to its reference
  ("had this detector not fired"), largest first.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.tree import DecisionTreeRegressor

from distillguard.learning import features as F

FORMAT = "distillguard-learned-risk/2"  # 2: JSON (1 was a pickle)


@dataclass
class LearnConfig:
    min_labels: int = 10        # fewer labels: the rules alone
    min_per_class: int = 3      # and at least this many of each class
    trust_labels: float = 40.0  # labels at which the correction gets half its weight
    max_shift: float = 4.0      # largest change of log-odds the correction may make
    n_estimators: int = 60
    max_depth: int = 2
    learning_rate: float = 0.1
    calibration_penalty: float = 10.0  # pseudo-observations pulling the Platt map to the identity
    calibration_min_per_class: int = 5  # fewer: no recalibration (the identity map)
    seed: int = 0


@dataclass
class FittedTree:
    """One boosting tree as plain arrays (node -> left, right, feature, threshold; leaf values), so a
    model file is data: loading it runs no code, unlike a pickle of scikit-learn objects."""

    left: list[int]
    right: list[int]
    feature: list[int]
    threshold: list[float]
    value: list[float]

    @classmethod
    def from_sklearn(cls, tree: DecisionTreeRegressor, values: np.ndarray) -> "FittedTree":
        t = tree.tree_
        return cls([int(v) for v in t.children_left], [int(v) for v in t.children_right], [int(v) for v in t.feature],
                   [float(v) for v in t.threshold], [float(v) for v in values])

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Leaf value per row; the same split rule as scikit-learn (float32 features, `<=` goes left)."""
        X32 = np.asarray(X, dtype=np.float32)
        left, right, feature = np.asarray(self.left), np.asarray(self.right), np.asarray(self.feature)
        threshold = np.asarray(self.threshold)
        node = np.zeros(len(X32), dtype=int)
        while True:
            inner = left[node] >= 0
            if not inner.any():
                return np.asarray(self.value)[node]
            rows = np.nonzero(inner)[0]
            at = node[rows]
            goes_left = X32[rows, feature[at]] <= threshold[at]
            node[rows] = np.where(goes_left, left[at], right[at])


class OffsetBoosting:
    """Gradient boosting for log-loss that starts from given log-odds (the rules' prior).

    scikit-learn's GradientBoostingClassifier takes no per-sample offset, and giving it the prior
    as a feature lets trees key on the rule risk value itself (on the analyst-loop bench it learnt
    "rule risk 0.084 => attack" from one population and flagged a whole organisation of another).
    So the trees (scikit-learn regression trees, Newton leaf values) see the features only, and
    the correction is a function of detector scores and account statistics alone.
    """

    def __init__(self, n_estimators: int, max_depth: int, learning_rate: float, min_samples_leaf: int,
                 subsample: float, seed: int, l2: float = 1.0) -> None:
        self.n_estimators, self.max_depth, self.learning_rate = n_estimators, max_depth, learning_rate
        self.min_samples_leaf, self.subsample, self.seed, self.l2 = min_samples_leaf, subsample, seed, l2
        self.trees: list[FittedTree] = []
        self.feature_importances_: np.ndarray | None = None

    def fit(self, X: np.ndarray, offset: np.ndarray, y: np.ndarray) -> "OffsetBoosting":
        rng = np.random.default_rng(self.seed)
        F = offset.astype(float).copy()
        importances = np.zeros(X.shape[1])
        for m in range(self.n_estimators):
            p = expit(F)
            gradient, hessian = y - p, p * (1.0 - p)
            rows = rng.choice(len(y), size=max(2, int(round(self.subsample * len(y)))), replace=False) if self.subsample < 1 else np.arange(len(y))
            tree = DecisionTreeRegressor(max_depth=self.max_depth, min_samples_leaf=self.min_samples_leaf, random_state=self.seed + m)
            tree.fit(X[rows], gradient[rows])
            leaves = tree.apply(X[rows])
            values = np.zeros(tree.tree_.node_count)
            for leaf in np.unique(leaves):
                inside = leaves == leaf
                values[leaf] = gradient[rows][inside].sum() / (hessian[rows][inside].sum() + self.l2)  # Newton step
            self.trees.append(FittedTree.from_sklearn(tree, values))
            F += self.learning_rate * values[tree.apply(X)]
            if tree.tree_.node_count > 1:
                importances += tree.feature_importances_
        total = importances.sum()
        self.feature_importances_ = importances / total if total > 0 else importances
        return self

    def correction(self, X: np.ndarray) -> np.ndarray:
        out = np.zeros(len(X))
        for tree in self.trees:
            out += self.learning_rate * tree.predict(X)
        return out


def _boosting(config: LearnConfig, n: int) -> OffsetBoosting:
    return OffsetBoosting(n_estimators=min(config.n_estimators, max(10, n)), max_depth=config.max_depth,
                          learning_rate=config.learning_rate, min_samples_leaf=max(2, n // 20),
                          subsample=0.8 if n >= 40 else 1.0, seed=config.seed)


def _platt(z: np.ndarray, y: np.ndarray, penalty: float) -> tuple[float, float]:
    """Platt slope only (intercept 0): the labelled accounts are the top of the queue, mostly attacks,
    so their base rate says nothing about the population's; the rules keep the intercept."""
    def loss(params):
        a = params[0]
        p = np.clip(expit(a * z), 1e-9, 1 - 1e-9)
        return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)) + penalty * (a - 1.0) ** 2

    result = minimize(loss, x0=[1.0], method="L-BFGS-B", bounds=[(0.05, 5.0)])
    return float(result.x[0]), 0.0


@dataclass
class LearnedRisk:
    names: list[str]
    config: LearnConfig
    boosting: OffsetBoosting | None = None
    trust: float = 0.0
    platt: tuple[float, float] = (1.0, 0.0)
    reference: list[float] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)

    # -- scoring -------------------------------------------------------------------------
    def logit(self, X: np.ndarray, prior: np.ndarray) -> np.ndarray:
        """Uncalibrated log-odds: the prior plus the trusted, clipped correction."""
        if self.boosting is None or len(X) == 0:
            return prior.copy()
        # Relative to a quiet account (every feature at its reference): labels come from the top of the
        # queue, mostly attacks, and an intercept learnt from them would raise every account alike.
        quiet = self.boosting.correction(np.asarray(self.reference, dtype=float)[None, :])[0]
        delta = np.clip(self.boosting.correction(X) - quiet, -self.config.max_shift, self.config.max_shift)
        return prior + self.trust * delta

    def predict(self, X: np.ndarray, prior: np.ndarray) -> np.ndarray:
        a, b = self.platt
        return expit(a * self.logit(X, prior) + b)

    def explain(self, X: np.ndarray, prior: np.ndarray, top: int = 3) -> list[list[dict[str, Any]]]:
        """Per account, the features whose removal would change the log-odds most (signed: + raised the risk)."""
        base = self.logit(X, prior)
        effects = np.zeros_like(X)
        if self.boosting is not None:
            for j, ref in enumerate(self.reference):
                moved = X[:, j] != ref
                if not moved.any():
                    continue
                X_ref = X[moved].copy()
                X_ref[:, j] = ref
                effects[moved, j] = base[moved] - self.logit(X_ref, prior[moved])
        out = []
        for i in range(len(X)):
            order = np.argsort(-np.abs(effects[i]))[:top]
            out.append([{"feature": self.names[j], "value": round(float(X[i, j]), 4), "logit": round(float(effects[i, j]), 3)}
                        for j in order if abs(effects[i, j]) >= 0.01])
        return out

    # -- persistence -------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        boosting = None
        if self.boosting is not None:
            b = self.boosting
            boosting = {"learning_rate": b.learning_rate, "trees": [asdict(t) for t in b.trees],
                        "feature_importances": [float(v) for v in (b.feature_importances_ if b.feature_importances_ is not None else [])],
                        "params": {"n_estimators": b.n_estimators, "max_depth": b.max_depth, "min_samples_leaf": b.min_samples_leaf,
                                   "subsample": b.subsample, "seed": b.seed, "l2": b.l2}}
        return {"format": FORMAT, "names": self.names, "config": asdict(self.config), "boosting": boosting, "trust": self.trust,
                "platt": list(self.platt), "reference": [float(v) for v in self.reference], "report": self.report}

    def save(self, path: Path) -> None:
        """JSON (0600): a model file is data, so sharing or restoring one cannot run code."""
        path.parent.mkdir(parents=True, exist_ok=True)
        data = orjson.dumps(self.to_json(), option=orjson.OPT_SERIALIZE_NUMPY)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)

    @staticmethod
    def load(path: Path) -> "LearnedRisk":
        """Load a model `distillguard learn train` saved (JSON; anything else is refused)."""
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such model file (train one with `distillguard learn train`)")
        try:
            blob = orjson.loads(path.read_bytes())
        except orjson.JSONDecodeError:
            raise ValueError(f"{path}: not a distillguard learned-risk model (not JSON; models from before 2026-12-02 were "
                             "pickles and must be retrained)") from None
        if not isinstance(blob, dict) or blob.get("format") != FORMAT:
            raise ValueError(f"{path}: not a distillguard learned-risk model (format {blob.get('format') if isinstance(blob, dict) else '?'})")
        try:
            model = LearnedRisk(names=list(blob["names"]), config=LearnConfig(**blob["config"]), trust=float(blob["trust"]),
                                platt=(float(blob["platt"][0]), float(blob["platt"][1])), reference=[float(v) for v in blob["reference"]],
                                report=dict(blob.get("report") or {}))
            if blob.get("boosting"):
                b = blob["boosting"]
                p = b["params"]
                boosting = OffsetBoosting(int(p["n_estimators"]), int(p["max_depth"]), float(b["learning_rate"]), int(p["min_samples_leaf"]),
                                          float(p["subsample"]), int(p["seed"]), float(p["l2"]))
                boosting.trees = [FittedTree(**t) for t in b["trees"]]
                boosting.feature_importances_ = np.asarray(b["feature_importances"], dtype=float)
                model.boosting = boosting
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ValueError(f"{path}: malformed learned-risk model ({type(exc).__name__}: {exc})") from None
        return model


def _oof_logits(X: np.ndarray, prior: np.ndarray, y: np.ndarray, config: LearnConfig, reference: list[float]) -> np.ndarray | None:
    """Out-of-fold log-odds of the shrunk model (None when a class has fewer than 2 labels)."""
    folds = int(min(5, np.bincount(y, minlength=2).min()))
    if folds < 2:
        return None
    z = np.zeros(len(y))
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=config.seed).split(X, y):
        part = fit_uncalibrated(X[train], prior[train], y[train], config, names=[], reference=reference)
        z[test] = part.logit(X[test], prior[test])
    return z


def fit_uncalibrated(X: np.ndarray, prior: np.ndarray, y: np.ndarray, config: LearnConfig, names: list[str],
                     reference: list[float]) -> LearnedRisk:
    model = LearnedRisk(names=names, config=config, reference=list(reference))
    counts = np.bincount(y, minlength=2)
    if len(y) < config.min_labels or counts.min() < config.min_per_class:
        return model
    model.boosting = _boosting(config, len(y)).fit(X, prior, y)
    model.trust = len(y) / (len(y) + config.trust_labels)
    return model


def _brier(p: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((p - y) ** 2))


def _reliability(p: np.ndarray, y: np.ndarray, bins: int = 5) -> list[dict[str, Any]]:
    edges = np.linspace(0, 1, bins + 1)
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (p >= lo) & ((p < hi) | (hi == 1.0))
        if inside.any():
            rows.append({"bin": f"{lo:.1f}-{hi:.1f}", "accounts": int(inside.sum()), "expected": round(float(p[inside].mean()), 3),
                         "observed": round(float(y[inside].mean()), 3)})
    return rows


def train(verdicts: list[dict[str, Any]], labels: dict[str, int], config: LearnConfig | None = None) -> LearnedRisk:
    """Fit on the labelled accounts among `verdicts`; the feature list comes from all of them."""
    config = config or LearnConfig()
    names = F.feature_names(verdicts)
    labelled = [v for v in verdicts if v["account_id"] in labels]
    X, prior, _ = F.matrix(labelled, names)
    y = np.array([labels[v["account_id"]] for v in labelled], dtype=int)
    # The quiet account: 0 for detector scores ("did not fire"), the population median for statistics.
    X_all, _, _ = F.matrix(verdicts, names)
    reference = [float(np.median(X_all[:, j])) if n in F.STATS else 0.0 for j, n in enumerate(names)]
    model = fit_uncalibrated(X, prior, y, config, names, reference)
    counts = np.bincount(y, minlength=2) if len(y) else np.zeros(2, dtype=int)
    report: dict[str, Any] = {
        "labels": int(len(y)), "attack_labels": int(counts[1]), "legit_labels": int(counts[0]),
        "unmatched_labels": int(len(labels) - len(labelled)), "features": len(names), "trust": round(model.trust, 3),
        "mode": "learned" if model.boosting is not None else
                f"rules only (needs >= {config.min_labels} labels and >= {config.min_per_class} of each class)",
        "config": asdict(config),
    }
    if model.boosting is not None:
        oof = _oof_logits(X, prior, y, config, reference)
        if oof is not None:
            if counts.min() >= config.calibration_min_per_class:
                # the map is shrunk to the identity like the correction: few labels barely rescale
                a, b = _platt(oof, y, config.calibration_penalty)
                model.platt = (1.0 + model.trust * (a - 1.0), model.trust * b)
            a, b = model.platt
            calibrated = expit(a * oof + b)
            rules = expit(prior)
            report["out_of_fold"] = {
                "auroc_rules": round(float(roc_auc_score(y, prior)), 4),
                "auroc_learned": round(float(roc_auc_score(y, oof)), 4),
                "brier_rules": round(_brier(rules, y), 4),
                "brier_learned": round(_brier(calibrated, y), 4),
                "reliability": _reliability(calibrated, y),
                "note": "on the labelled accounts only (the top of the review queue), not the whole population",
            }
        report["platt"] = [round(model.platt[0], 4), round(model.platt[1], 4)]
        importances = model.boosting.feature_importances_
        report["top_features"] = [{"feature": names[j], "importance": round(float(importances[j]), 4)}
                                  for j in np.argsort(-importances)[:8] if importances[j] >= 0.001]
    model.report = report
    return model


def apply(model: LearnedRisk, verdicts: list[dict[str, Any]], blend: float = 0.0, flag_threshold: float | None = None,
          top: int = 3) -> tuple[list[dict[str, Any]], set[str]]:
    """New verdicts with `learned_risk` and `learned` (explanation) added; `risk` becomes the blend
    (1 - blend) * rules + blend * learned, and `flagged` is re-decided only when a threshold is given."""
    if not 0.0 <= blend <= 1.0:
        raise ValueError(f"blend must be within [0, 1], not {blend}")
    X, prior, unknown = F.matrix(verdicts, model.names)
    learned = model.predict(X, prior)
    explanations = model.explain(X, prior, top=top)
    out = []
    for verdict, p, why in zip(verdicts, learned, explanations):
        new = dict(verdict)
        new["rule_risk"] = verdict["risk"]
        new["learned_risk"] = round(float(p), 4)
        new["learned"] = {"moved_by": why, "trust": round(model.trust, 3)}
        new["risk"] = round((1.0 - blend) * float(verdict["risk"]) + blend * float(p), 4)
        if flag_threshold is not None:
            new["flagged"] = bool(new["risk"] >= flag_threshold)
        out.append(new)
    return out, unknown
