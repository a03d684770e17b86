"""Extraction economics, judged against the provider's own population.

Whatever its language, wrapper or template, a distillation harvest wants as much teacher
output as it can get for each prompt it writes: long answers to short prompts, one
independent prompt per request, room up to the max_tokens ceiling, several samples per
prompt. None of these alone says much (writing apps want long answers too), so each is
read as an empirical tail share against the population (what share of accounts goes at
least this far) and the account's mean surprise, -ln(share), over all of them is the
score. An account extreme on one habit scores low; one that sits in the far tail of
every harvest direction at once scores high. It gives every account a place in the
ranking (keywords and thresholds leave most accounts tied at zero); its weight keeps it
from flagging on its own.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np

from distillguard.detectors._ramp import evidence_of, ramp
from distillguard.detectors.base import Detector, Finding

# Each feature is read in the direction a harvest pushes it.
HARVEST_DIRECTIONS = ("output_input_ratio", "completion_tokens_per_request", "single_turn_rate", "max_tokens_high_rate", "mean_n")
MIN_POPULATION = 100


class ExtractionEconomicsDetector(Detector):
    name = "extraction_economics"
    atlas = "AML.T0024.002"  # Exfiltration via ML inference API: extract ML model
    description = "Far in the population's tail on every harvest direction at once (output per prompt, single-turn, ceiling, samples)"

    def fit(self, population: Any) -> "ExtractionEconomicsDetector":
        rows = [row for row in population if row.get("requests", 0) >= self.params.get("min_requests", 5)]
        if len(rows) < MIN_POPULATION:
            self.sorted = None
            return self
        self.sorted = {name: np.sort(np.asarray([float(row.get(name, 0.0)) for row in rows])) for name in HARVEST_DIRECTIONS}
        return self

    def surprises(self, features: Mapping[str, Any]) -> dict[str, float]:
        """-ln of the share of accounts at least as far along each harvest direction."""
        out = {}
        for name, values in self.sorted.items():
            at_least = values.size - int(np.searchsorted(values, float(features.get(name, 0.0)), side="left"))
            out[name] = math.log((values.size + 1) / (at_least + 1))
        return out

    def score_account(self, account_id: str, features: Mapping[str, Any]) -> Finding | None:
        if getattr(self, "sorted", None) is None or self.too_few_requests(features, 5):
            return None
        surprise = self.surprises(features)
        mean = sum(surprise.values()) / len(surprise)
        # Mean surprise of an ordinary account is about 1 (uniform shares); 4.5 is every direction in its top ~1%.
        score = ramp(mean, self.params.get("low", 1.5), self.params.get("high", 4.5))
        if score <= 0:
            return None
        top = max(surprise, key=surprise.get)
        return self.finding(
            score,
            {"surprise": {k: round(v, 2) for k, v in surprise.items()}, "mean_surprise": round(mean, 3),
             **evidence_of(features, *HARVEST_DIRECTIONS)},
            f"in the population's tail on every harvest direction at once (mean surprise {mean:.1f}; furthest: {top.replace('_', ' ')})",
        )
