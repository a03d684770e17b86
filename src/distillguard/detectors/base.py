"""The one contract every detector honours.

A detector looks at one account at a time and says how suspicious it is, and why.
It may learn population statistics first (`fit`), and may watch raw events as they
pass (`observe`) when per-account features are not enough (e.g. matching shared
intelligence indicators). The same object serves the batch scan and the
time-ordered replay/gateway engine, so a verdict means the same thing in both.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar, Mapping


@dataclass(frozen=True, slots=True)
class Finding:
    """One detector's statement about one account.

    `score` is in [0, 1] (0: nothing seen, 1: certain); `evidence` holds the
    statistics that crossed thresholds and example prompts, JSON-serialisable;
    `atlas` is the MITRE ATLAS technique the behaviour maps to; `summary` is
    one sentence an analyst reads first.
    """

    detector: str
    score: float
    evidence: dict[str, Any] = field(default_factory=dict)
    atlas: str | None = None
    summary: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "detector": self.detector,
            "score": round(float(self.score), 6),
            "evidence": self.evidence,
            "atlas": self.atlas,
            "summary": self.summary,
        }


class Detector(ABC):
    """Base class: subclasses set `name`, `atlas`, `description` and implement `score_account`."""

    name: ClassVar[str]
    atlas: ClassVar[str | None] = None
    description: ClassVar[str] = ""

    def __init__(self, **params: Any) -> None:
        self.params = params

    def fit(self, population: Any) -> "Detector":
        """Learn what normal looks like from the whole population's features (optional)."""
        return self

    def observe(self, event: Any) -> None:
        """See one raw event (optional; most detectors work from features alone)."""

    @abstractmethod
    def score_account(self, account_id: str, features: Mapping[str, Any]) -> Finding | None:
        """Return a finding for this account, or None when there is nothing to say."""

    def too_few_requests(self, features: Mapping[str, Any], default: int) -> bool:
        """Rates over fewer requests than `min_requests` (a param) are too noisy to judge."""
        return features.get("requests", 0) < self.params.get("min_requests", default)

    def finding(self, score: float, evidence: dict[str, Any], summary: str) -> Finding:
        return Finding(self.name, max(0.0, min(1.0, float(score))), evidence, self.atlas, summary)
