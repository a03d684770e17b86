"""Identity and system-prompt probing: questions about what the model is and how it was told to behave."""

from __future__ import annotations

from typing import Any, Mapping

from distillguard.detectors._ramp import evidence_of, ramp
from distillguard.detectors.base import Detector, Finding


class IdentityProbeDetector(Detector):
    name = "identity_probe"
    atlas = "AML.T0014"  # Discover ML Model Family (and AML.T0056 for system-prompt extraction)
    description = "Repeated questions about the model's identity, training or system prompt"

    def score_account(self, account_id: str, features: Mapping[str, Any]) -> Finding | None:
        count = features.get("identity_rate", 0.0) * features.get("requests", 0.0)
        if count < self.params.get("min_count", 3):
            return None
        score = ramp(count, 2, 10) * ramp(features.get("identity_rate", 0.0), 0.01, 0.08)
        if score <= 0:
            return None
        return self.finding(
            score,
            {**evidence_of(features, "identity_rate", "requests"), "probes": int(count),
             "examples": list(features.get("_examples", {}).get("identity", []))[:3]},
            f"{int(count)} prompts probe the model's identity or instructions",
        )
