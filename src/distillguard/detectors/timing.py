"""Timing patterns: machine-regular inter-arrival times and round-the-clock activity."""

from __future__ import annotations

from typing import Any, Mapping

from distillguard.detectors._ramp import evidence_of, ramp
from distillguard.detectors.base import Detector, Finding


class TimingDetector(Detector):
    """Scripts send at regular intervals and never sleep; people cluster in sessions and waking hours."""

    name = "timing_pattern"
    atlas = "AML.T0040"  # ML Model Inference API Access, automated
    description = "Regular inter-arrival times or 24/7 activity"

    def score_account(self, account_id: str, features: Mapping[str, Any]) -> Finding | None:
        if features.get("requests", 0) < self.params.get("min_requests", 30):
            return None
        regular = ramp(0.5 - features.get("interarrival_cv", 1.0), 0.0, 0.4)
        round_clock = ramp(features.get("active_hours", 0), 18, 24) * ramp(features.get("night_share", 0), 0.1, 0.25)
        score = max(regular, round_clock)
        if score <= 0:
            return None
        what = "machine-regular request intervals" if regular >= round_clock else "activity around the clock"
        return self.finding(score, evidence_of(features, "interarrival_cv", "active_hours", "night_share", "hour_entropy"), f"{what}")
