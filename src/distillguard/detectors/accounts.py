"""Account-lifecycle signals: brand-new accounts that ramp straight to heavy use."""

from __future__ import annotations

from typing import Any, Mapping

from distillguard.detectors._ramp import evidence_of, ramp
from distillguard.detectors.base import Detector, Finding


class NewAccountRampDetector(Detector):
    name = "new_account_ramp"
    atlas = "AML.T0021"  # Establish Accounts
    description = "Accounts created days before a burst of heavy use"

    def score_account(self, account_id: str, features: Mapping[str, Any]) -> Finding | None:
        age = features.get("account_age_days_at_first", -1.0)
        if age < 0:
            return None
        score = ramp(7 - age, 0, 6) * ramp(features.get("completion_tokens_per_request", 0.0), 400, 1200)
        if score <= 0:
            return None
        return self.finding(score, evidence_of(features, "account_age_days_at_first", "first_day_requests", "completion_tokens_per_request"),
                            f"account was {age:.1f} days old at its first request and asks for long outputs")


class SybilStructureDetector(Detector):
    """Campaign level: many accounts, created together, behaving alike, with no declared organisation."""

    name = "sybil_structure"
    atlas = "AML.T0021"
    description = "A cluster of look-alike accounts created in a burst"

    def score_account(self, account_id: str, features: Mapping[str, Any]) -> Finding | None:
        members = features.get("members", 1.0)
        if members < 2 or features.get("declared_org_share", 0.0) > 0.5:
            return None
        score = ramp(members, 2, 10) * ramp(features.get("creation_burst_share", 0.0), 0.5, 0.9) * ramp(features.get("top_profile_share", 0.0), 0.5, 0.8)
        if score <= 0:
            return None
        return self.finding(score, evidence_of(features, "members", "creation_burst_share", "top_profile_share", "declared_org_share"),
                            f"{int(members)} accounts created within hours of each other, sending alike requests")
