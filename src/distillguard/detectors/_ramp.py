"""Soft thresholds: a score that rises linearly from 0 at `low` to 1 at `high`."""

from __future__ import annotations

import math


def ramp(value: float, low: float, high: float) -> float:
    if high == low:
        return 1.0 if value >= high else 0.0
    return max(0.0, min(1.0, (value - low) / (high - low)))


def evidence_of(features, *names: str) -> dict[str, float]:
    return {name: round(float(features.get(name, 0.0)), 4) for name in names}


def log1p(value: float) -> float:
    return math.log1p(max(value, 0.0))
