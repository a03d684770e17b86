"""Traitor tracing: which account cohort's watermarked outputs did a suspect learn from?

Run the same radioactivity test once per cohort key. Accuse the cohort with the
smallest p-value only if it is below alpha / n_cohorts (Bonferroni). For an innocent
cohort the test's p-value is valid (its key is independent of the suspect), so the
probability of accusing any innocent cohort is at most n_innocent * alpha / n <= alpha.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

from distillguard.watermark.detect import Detection


@dataclass(frozen=True)
class TraceResult:
    accused: str | None
    threshold: float
    false_accusation_bound: float
    results: dict[str, Detection]

    def as_dict(self) -> dict:
        return {
            "accused": self.accused,
            "threshold": self.threshold,
            "false_accusation_bound": self.false_accusation_bound,
            "p_values": {name: d.p_value for name, d in self.results.items()},
        }


def trace(schemes: Mapping[str, object], test: Callable[[object], Detection], alpha: float = 0.01) -> TraceResult:
    """`test(scheme)` runs one radioactivity (or plain detection) test under a cohort's scheme."""
    if not schemes:
        raise ValueError("need at least one cohort")
    if not 0 < alpha < 1:
        raise ValueError("alpha must be between 0 and 1")
    results = {name: test(scheme) for name, scheme in schemes.items()}
    threshold = alpha / len(results)
    best = min(results, key=lambda n: results[n].p_value)
    accused = best if results[best].p_value < threshold else None
    return TraceResult(accused, threshold, alpha, results)
