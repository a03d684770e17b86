"""Usage and billing anomalies: volume, spend and token ratios far above the population."""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np

from distillguard.detectors._ramp import evidence_of, ramp
from distillguard.detectors.base import Detector, Finding

_FEATURES = ("requests_per_active_day", "completion_tokens", "cost_per_member", "output_input_ratio")


class UsageAnomalyDetector(Detector):
    """Robust z-scores (median/MAD on log scale) of volume, output tokens, spend and output/input ratio.

    Heavy legitimate users exist, so this detector alone should never flag: its weight
    in the policy keeps it as corroboration.
    """

    name = "usage_anomaly"
    atlas = "AML.T0034"  # Cost Harvesting: abnormal consumption of paid inference
    description = "Volume, spend or output/input token ratio far above the population"

    def fit(self, population: Any) -> "UsageAnomalyDetector":
        self.center: dict[str, float] = {}
        self.scale: dict[str, float] = {}
        for name in _FEATURES:
            values = np.log1p(np.asarray([row.get(name, 0.0) for row in population], dtype=float))
            if values.size == 0:
                self.center[name], self.scale[name] = 0.0, 1.0
                continue
            median = float(np.median(values))
            mad = float(np.median(np.abs(values - median))) * 1.4826
            self.center[name], self.scale[name] = median, max(mad, 0.25)
        return self

    def score_account(self, account_id: str, features: Mapping[str, Any]) -> Finding | None:
        if not getattr(self, "center", None):
            return None
        z = {name: (math.log1p(max(features.get(name, 0.0), 0.0)) - self.center[name]) / self.scale[name] for name in _FEATURES}
        worst = max(z, key=z.get)
        low, high = self.params.get("z_low", 3.0), self.params.get("z_high", 8.0)
        score = ramp(z[worst], low, high)
        if score <= 0:
            return None
        return self.finding(
            score,
            {"robust_z": {k: round(v, 2) for k, v in z.items()}, **evidence_of(features, *_FEATURES)},
            f"{worst.replace('_', ' ')} is {z[worst]:.1f} robust standard deviations above the population median",
        )
