"""Calibrated risk: every signal judged against the provider's own population.

Two things make a score mean the same on every provider's traffic:

1. **Per-cohort discount.** Accounts are grouped into cohorts of similar accounts (tier,
   volume band, client kind). For each detector the reference keeps the distribution of its
   scores among the cohort's members (streaming 1%-bin histograms, so it updates one account
   at a time in replay and at the gateway). A finding counts by the larger of how far it
   rises above the cohort's ordinary level (a high quantile) and its raw score scaled by how
   rare it is in the cohort (the empirical tail share, on a log scale: a finding as rare as
   the target false-positive rate counts in full, one that a fifth of the cohort shows counts
   about a quarter). When a fifth of the SDK-driven heavy users trip `ceiling_outputs`, that
   is how such customers work, so it weighs little; but it still weighs something, so that
   accounts keep the order their evidence gives them instead of sitting tied at zero (a
   ranking that is flat below the threshold cannot say which account to look at next).
   Small cohorts lean on the whole population (shrinkage by member count).
2. **A threshold set for a false-positive rate.** The bulk of the population's risk
   (median and an upper quantile that a campaign of up to a fifth of the accounts cannot
   reach) fixes an exponential tail; the flag threshold is where that tail leaves
   `target_fpr` of the accounts (default 0.1%), never below the configured floor. The
   expected flag rate absent collective evidence is then `target_fpr`; `calibration_report`
   sets it beside the observed one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np

BINS = 100
COHORT_PRIOR = 50.0  # pseudo-accounts of the whole population mixed into each cohort's statistics
MIN_POPULATION = 200  # accounts the reference needs before it discounts anything
RARE_SHARE = 0.001  # a finding this rare in its cohort counts at its full raw score


def volume_band(requests: float) -> str:
    return "v<20" if requests < 20 else "v<200" if requests < 200 else "v<2000" if requests < 2000 else "v2000+"


def client_kind(user_agents: Iterable[str]) -> str:
    kinds = set()
    for agent in user_agents:
        text = (agent or "").lower()
        kinds.add("browser" if text.startswith("mozilla") else "harness" if "eval" in text or "harness" in text else "sdk")
    return "mixed" if len(kinds) > 1 else next(iter(kinds), "none")


def cohort_key(tier: str | None, requests: float, user_agents: Iterable[str]) -> str:
    return f"{tier or 'unknown'}|{volume_band(requests)}|{client_kind(user_agents)}"


@dataclass
class ScoreSketch:
    """A fixed-bin histogram of scores in [0, 1]: exact to a bin, mergeable, updated in O(1)."""

    counts: np.ndarray = field(default_factory=lambda: np.zeros(BINS + 1, dtype=np.int64))

    @staticmethod
    def bin_of(score: float) -> int:
        return min(BINS, max(0, int(round(score * BINS))))

    def add(self, score: float, weight: int = 1) -> None:
        self.counts[self.bin_of(score)] += weight

    @property
    def total(self) -> int:
        return int(self.counts.sum())

    def share_at_least(self, score: float) -> float:
        """Share of the recorded scores in the bin of `score` or above (0 when empty)."""
        total = self.total
        return float(self.counts[self.bin_of(score):].sum()) / total if total else 0.0

    def quantile(self, q: float) -> float:
        total = self.total
        if total == 0:
            return 0.0
        position = np.searchsorted(np.cumsum(self.counts), q * total, side="left")
        return float(min(position, BINS)) / BINS


@dataclass
class PopulationReference:
    """Streaming per-cohort score distributions, and the population's risk distribution."""

    quantile: float = 0.95
    sketches: dict = field(default_factory=dict)  # (cohort, detector) -> ScoreSketch; cohort "*" is everyone
    risks: ScoreSketch = field(default_factory=ScoreSketch)
    contributions: dict = field(default_factory=dict)  # account -> (cohort, {detector: score bin}, risk)

    def _sketch(self, cohort: str, detector: str) -> ScoreSketch:
        sketch = self.sketches.get((cohort, detector))
        if sketch is None:
            sketch = self.sketches[(cohort, detector)] = ScoreSketch()
        return sketch

    def record(self, account: str, cohort: str, scores: dict[str, float], risk: float, detectors: Iterable[str]) -> None:
        """Replace an account's contribution with its latest scores (one account counts once).

        Only the bins that change are touched: most scores of most accounts stay 0 between re-scores."""
        old = self.contributions.get(account)
        old_cohort, old_scores, old_risk = old if old is not None else (None, {}, None)
        current = {name: ScoreSketch.bin_of(float(scores.get(name, 0.0))) for name in detectors}
        for name, bin_now in current.items():
            bin_before = old_scores.get(name)
            if bin_before == bin_now and old_cohort == cohort:
                continue
            if bin_before is not None:
                self._sketch(old_cohort, name).counts[bin_before] -= 1
                self._sketch("*", name).counts[bin_before] -= 1
            self._sketch(cohort, name).counts[bin_now] += 1
            self._sketch("*", name).counts[bin_now] += 1
        if old_risk is not None:
            self.risks.add(old_risk, -1)
        self.risks.add(risk)
        self.contributions[account] = (cohort, current, risk)

    def ordinary(self, detector: str, cohort: str) -> float:
        """The score an ordinary member of this cohort reaches (its `quantile`), shrunk to the population's."""
        everyone = self.sketches.get(("*", detector))
        if everyone is None or everyone.total < MIN_POPULATION:
            return 0.0  # too few accounts to say what is ordinary: a campaign would define it
        mine = self.sketches.get((cohort, detector))
        n = mine.total if mine is not None else 0
        level = everyone.quantile(self.quantile)
        if n:
            weight = n / (n + COHORT_PRIOR)
            level = weight * mine.quantile(self.quantile) + (1 - weight) * level
        return level

    def tail_share(self, detector: str, cohort: str, score: float) -> float | None:
        """Share of the cohort whose score reaches `score`, shrunk to the population's (None: too
        few accounts to say)."""
        everyone = self.sketches.get(("*", detector))
        if everyone is None or everyone.total < MIN_POPULATION:
            return None
        share = everyone.share_at_least(score)
        mine = self.sketches.get((cohort, detector))
        n = mine.total if mine is not None else 0
        if n:
            weight = n / (n + COHORT_PRIOR)
            share = weight * mine.share_at_least(score) + (1 - weight) * share
        return max(share, 1.0 / (everyone.total + 1))

    def calibrate(self, detector: str, cohort: str, score: float) -> tuple[float, float]:
        """(calibrated score, the cohort's ordinary level): the rise above ordinary, or the raw
        score scaled by the finding's rarity in the cohort, whichever is larger."""
        level = min(self.ordinary(detector, cohort), 0.95)
        rise = max(0.0, (score - level) / (1.0 - level))
        share = self.tail_share(detector, cohort, score)
        if share is None:
            return (rise, level)
        rarity = min(1.0, math.log(1.0 / share) / math.log(1.0 / RARE_SHARE))
        return (max(rise, score * rarity), level)


def threshold_for_fpr(risks: ScoreSketch, target_fpr: float, floor: float, cap: float, fit_quantiles: tuple[float, float]) -> float:
    """The risk above which `target_fpr` of the population would lie under an exponential tail
    fitted to its bulk; between `floor` and `cap`."""
    low_q, high_q = fit_quantiles
    if risks.total < MIN_POPULATION:
        return floor
    to_s = lambda r: -math.log(max(1e-9, 1.0 - min(r, 0.999999)))  # noqa: E731
    low, high = to_s(risks.quantile(low_q)), to_s(risks.quantile(high_q))
    scale = max(high - low, 0.0) / math.log((1 - low_q) / (1 - high_q))
    tail = low + scale * math.log((1 - low_q) / max(target_fpr, 1e-9))
    return float(min(cap, max(floor, 1.0 - math.exp(-tail))))


def calibration_report(verdicts: list[dict[str, Any]], target_fpr: float, threshold: float) -> dict[str, Any]:
    """Expected against observed flag rate. Flags that rest on a group's collective evidence are
    counted apart: the target applies to accounts judged on their own."""
    accounts = len(verdicts)
    own = sum(1 for v in verdicts if v.get("flagged") and v.get("flag_basis") != "campaign")
    inherited = sum(1 for v in verdicts if v.get("flagged") and v.get("flag_basis") == "campaign")
    return {"accounts": accounts, "threshold": round(threshold, 4), "target_fpr": target_fpr,
            "expected_own_flags": round(target_fpr * accounts, 2), "observed_own_flags": own,
            "observed_own_flag_rate": round(own / accounts, 5) if accounts else 0.0, "campaign_flags": inherited}
