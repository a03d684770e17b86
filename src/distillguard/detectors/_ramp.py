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


def shrunk(rate: float, n: float, prior: float, strength: float = 10.0) -> float:
    """A rate pulled toward what ordinary traffic shows, by `strength` pseudo-requests.

    Ten requests of which five open with a task verb say less than a thousand with the
    same share: the estimate only leaves the prior as evidence accumulates.
    """
    return (rate * n + prior * strength) / (n + strength)


def greedy_share(features) -> float:
    """How much an account decodes greedily, one sample per request (temperature 0, n = 1): how
    evaluation runs and agents work. Distillation wants many diverse samples of the teacher."""
    if features.get("mean_n", 1.0) > 1.05:
        return 0.0
    return ramp(features.get("temperature_zero_rate", 0.0), 0.5, 0.9)


def novelty(features) -> float:
    """How much of what the account receives is new to it: 1 minus the weight of answers that mostly reuse
    the request's own material (features/reuse.py). A product rewriting, summarising or grounding the user's
    text is broad and templated like a harvest, but it gets its users' content back, not the model's knowledge."""
    return 1.0 - ramp(features.get("response_reuse", 0.0), 0.45, 0.75)
