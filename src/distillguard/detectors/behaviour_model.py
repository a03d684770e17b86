"""A learned view of the whole account, judged against the provider's own population.

The hand-written detectors each read one behaviour; an account that is a little unusual in many
harvest directions at once (broad task spread, single-turn, long paid output, round-the-clock,
many distinct prompt openings) trips none of them. This detector reads all of the account's
features together through a logistic model. Every feature is first put in units of the
provider's own population: log(1 + value), centred on this population's mean and divided by its
spread, clipped to ±6. So the model says "how far, and in which directions, this account sits
from your own accounts", never "how big it is" in another provider's units.

The coefficients are data (`models/behaviour_model.json`, no code runs on load), fitted by
`bench/train_behaviour_model.py` on labelled traffic from three independently written traffic
generators, each standardised by itself, and checked by holding each out in turn (the figures are
in the file). Features that a generator ties to its labels by construction
(account age at first request, temperature variety) are left out. Being learned from simulated
traffic, it is a prior: it carries a modest weight, its finding is calibrated per cohort like any
other, and `distillguard learn` corrects it from the provider's own analyst decisions.
"""

from __future__ import annotations

import json
import math
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from distillguard.detectors.base import Detector, Finding

MIN_POPULATION = 100
CLIP = 6.0
FORMAT = "distillguard-behaviour-model/1"


def load_model(path: str | Path | None = None) -> dict[str, Any]:
    """The shipped coefficients, or a user's file of the same format (JSON only)."""
    text = Path(path).read_text() if path else resources.files("distillguard.detectors").joinpath("models/behaviour_model.json").read_text()
    model = json.loads(text)
    if model.get("format") != FORMAT:
        raise ValueError(f"{path or 'behaviour_model.json'}: format: expected {FORMAT!r}")
    if len(model["features"]) != len(model["coef"]):
        raise ValueError(f"{path or 'behaviour_model.json'}: coef: one coefficient per feature expected")
    return model


def log_features(features: Mapping[str, Any], names: list[str]) -> np.ndarray:
    return np.array([math.log1p(max(float(features.get(name, 0.0)), 0.0)) for name in names])


def population_scale(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean, spread) of a population's log features: the units the model reads (training uses the same)."""
    return matrix.mean(axis=0), matrix.std(axis=0) + 1e-6


def standardise(x: np.ndarray, mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
    return np.clip((x - mean) / scale, -CLIP, CLIP)


class BehaviourModelDetector(Detector):
    name = "behaviour_model"
    atlas = "AML.T0024.002"  # Exfiltration via ML inference API: extract ML model
    description = "Many small departures from the provider's own population at once, read by a logistic model"

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.model = load_model(params.get("model_path"))
        self.names = list(self.model["features"])
        self.coef = np.asarray(self.model["coef"], dtype=float)
        self.intercept = float(self.model["intercept"])
        self.mean: np.ndarray | None = None
        self.scale: np.ndarray | None = None

    def fit(self, population: Any) -> "BehaviourModelDetector":
        rows = [log_features(row, self.names) for row in population]
        if len(rows) < MIN_POPULATION:
            self.mean = self.scale = None  # too few accounts to say what this provider's ordinary is
            return self
        self.mean, self.scale = population_scale(np.vstack(rows))
        return self

    def logit(self, features: Mapping[str, Any]) -> tuple[float, np.ndarray]:
        z = standardise(log_features(features, self.names), self.mean, self.scale)
        contributions = self.coef * z
        return self.intercept + float(contributions.sum()), contributions

    def score_account(self, account_id: str, features: Mapping[str, Any]) -> Finding | None:
        if self.mean is None or self.too_few_requests(features, 5) or features.get("members", 1) > 1:
            return None  # a merged group's counts are not in an account's units
        logit, contributions = self.logit(features)
        score = 1.0 / (1.0 + math.exp(-logit))
        if score < self.params.get("min_score", 0.05):
            return None
        top = np.argsort(-contributions)[:4]
        drivers = {self.names[i]: round(float(contributions[i]), 2) for i in top if contributions[i] > 0}
        return self.finding(
            score,
            {"logit": round(logit, 3), "drivers": drivers, "model": self.model.get("trained", "")},
            "unlike this provider's accounts in several harvest directions at once (most: "
            + ", ".join(name.replace("_", " ") for name in list(drivers)[:3]) + ")",
        )
