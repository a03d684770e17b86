"""Systematic coverage: every prompt about something else, each with room for a long answer.

People dwell: a student, a developer or a chat user comes back to a few subjects, so two of
their prompts are more alike than two prompts picked from the whole population. A capability
sweep split over sybils gives each account prompts drawn from a grid of topics and skills
and never repeats a cell, whatever wrappers, typos or languages dress them. In the content
space that shows as a low `content_concentration` (the mean cosine between two of the
account's sampled prompts) relative to the population's typical account, which is what this
detector reads, together with the long-answer room a harvest asks for, on accounts the size of
one person (an app relaying many people's requests is broad by construction). The population's
typical concentration is learned in `fit`, so the score does not depend on a language's or
a provider's base level of similarity.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from distillguard.detectors._ramp import evidence_of, greedy_share, novelty, ramp
from distillguard.detectors.base import Detector, Finding

MIN_EMBEDDED = 5
MIN_POPULATION = 50


class CoverageSweepDetector(Detector):
    name = "coverage_sweep"
    atlas = "AML.T0005.001"  # Create Proxy ML Model: replication over the task space
    description = "Prompts that never dwell on a subject (far broader than the population's typical account), with long answers"

    def fit(self, population: Any) -> "CoverageSweepDetector":
        values = [row.get("content_concentration", -1.0) for row in population
                  if row.get("embedded_prompts", 0.0) >= MIN_EMBEDDED and row.get("content_concentration", -1.0) > -1.0]
        self.typical = float(np.median(values)) if len(values) >= MIN_POPULATION else None
        return self

    def score_account(self, account_id: str, features: Mapping[str, Any]) -> Finding | None:
        typical = getattr(self, "typical", None)
        embedded = features.get("embedded_prompts", 0.0)
        if typical is None or typical <= 0 or embedded < MIN_EMBEDDED:
            return None
        relative = features.get("content_concentration", 1.0) / typical
        breadth = ramp(self.params.get("broad_at", 0.65) - relative, 0.0, 0.15) * ramp(embedded, MIN_EMBEDDED, 14)
        room = max(ramp(features.get("max_tokens_high_rate", 0.0), 0.4, 0.8), ramp(features.get("completion_tokens_per_request", 0.0), 400, 700))
        # Breadth says "sweep" of an account the size of one person; an app relaying many people's requests
        # (hundreds of them) is broad by construction. A sweep spreads its volume thin over its sybils.
        person_sized = 1.0 - ramp(features.get("requests", 0.0), self.params.get("person_requests", 100), 3 * self.params.get("person_requests", 100))
        score = breadth * room * person_sized * (1.0 - greedy_share(features)) * novelty(features)
        if score <= 0:
            return None
        return self.finding(
            score,
            {**evidence_of(features, "content_concentration", "embedded_prompts", "max_tokens_high_rate", "completion_tokens_per_request"),
             "population_typical_concentration": round(typical, 4), "relative_concentration": round(relative, 3),
             "examples": list(features.get("_examples", {}).get("any", []))[:3]},
            f"every prompt about something else (prompts {relative:.0%} as alike as a typical account's), with room for long answers",
        )
