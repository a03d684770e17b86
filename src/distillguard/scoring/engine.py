"""The detection engine: events -> per-account state -> findings -> risk -> verdicts.

One engine serves the batch scan (ingest everything, then `finalize`) and the
time-ordered replay / gateway (`replay.OnlineScorer` drives the same object
incrementally), so both reach verdicts by the same arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from distillguard.detectors.base import Detector, Finding
from distillguard.detectors.registry import build_detectors, load_config
from distillguard.events.model import ApiEvent
from distillguard.features.account import AccountState
from distillguard.features.benchmark_index import BenchmarkIndex
from distillguard.features.text import prompt_features
from distillguard.linking.linker import CampaignLinker, campaign_extras, campaign_id_for
from distillguard.simulate.prompts import procedural_benchmark


def combine(findings: list[Finding], weights: dict[str, float], families: dict[str, str] | None = None) -> float:
    """Noisy-OR across evidence families: independent evidence accumulates, one weak signal stays weak.

    Detectors of one family measure the same thing from different angles (volume and spend,
    say, against ceiling-length answers: both say "takes a lot of output"), so within a
    family only the strongest finding counts; counting each would flag every big customer.
    """
    strongest: dict[str, float] = {}
    for finding in findings:
        family = (families or {}).get(finding.detector, finding.detector)
        strongest[family] = max(strongest.get(family, 0.0), weights.get(finding.detector, 0.5) * finding.score)
    keep = 1.0
    for value in strongest.values():
        keep *= 1.0 - value
    return 1.0 - keep


_INDEX_CACHE: dict[tuple, BenchmarkIndex] = {}


def build_benchmark_index(paths: list[str | Path]) -> BenchmarkIndex:
    """The procedural benchmark plus the user's benchmark files; built once per process and file set."""
    key = tuple(sorted((str(Path(p).resolve()), Path(p).stat().st_mtime if Path(p).exists() else 0) for p in paths))
    if key not in _INDEX_CACHE:
        index = BenchmarkIndex.from_paths([Path(p) for p in paths]) if paths else BenchmarkIndex()
        _INDEX_CACHE[key] = index.add_all(procedural_benchmark())
    return _INDEX_CACHE[key]


@dataclass
class Assessment:
    """Risk and findings of one entity (an account, or a campaign as a whole)."""

    risk: float
    findings: list[Finding]
    features: dict[str, Any] = field(default_factory=dict)


@dataclass
class CampaignView:
    campaign_id: str
    root: str
    members: list[str]
    assessment: Assessment
    links: dict[str, Any]


class DetectionEngine:
    def __init__(self, config: dict[str, Any] | None = None, extra_detectors: list[Detector] | None = None,
                 benchmark_index: BenchmarkIndex | None = None) -> None:
        self.config = config or load_config()
        self.detectors, self.weights = build_detectors(self.config, extra_detectors)
        self.families = {name: spec.get("family", name) for name, spec in self.config.get("detectors", {}).items()}
        self._observers = [d for d in self.detectors if type(d).observe is not Detector.observe]
        self.index = benchmark_index or build_benchmark_index(self.config.get("benchmark_paths") or [])
        self.states: dict[str, AccountState] = {}
        linking = self.config.get("linking", {})
        self.linking_enabled = bool(linking.get("enabled", True))
        self.linker = CampaignLinker(bucket_minutes=int(linking.get("creation_bucket_minutes", 10)),
                                     per_type=int(linking.get("max_values_per_type", 4)))
        self.min_campaign = int(linking.get("min_campaign_size", 2))
        policy = self.config.get("policy", {})
        self.threshold = float(policy.get("flag_threshold", 0.5))
        self.campaign_inherit = bool(policy.get("campaign_inherit", True))

    # -- events ----------------------------------------------------------------
    def ingest(self, event: ApiEvent, prompt: str | None = None) -> AccountState:
        if prompt is None:
            prompt = event.prompt_text
        features = prompt_features(prompt)
        hit = features.words >= 6 and self.index.match(prompt)
        state = self.states.get(event.account_id)
        if state is None:
            state = self.states[event.account_id] = AccountState(event.account_id)
        state.update(event, features, hit, prompt)
        for detector in self._observers:
            detector.observe(event)
        return state

    # -- scoring ---------------------------------------------------------------
    @staticmethod
    def features_of(state: AccountState, extras: dict[str, float] | None = None) -> dict[str, Any]:
        features: dict[str, Any] = state.features()
        if extras:
            features.update(extras)
        features["_examples"] = state.examples
        return features

    def fit(self) -> None:
        population = [state.features() for state in self.states.values()]
        for detector in self.detectors:
            detector.fit(population)

    def assess(self, entity_id: str, features: dict[str, Any], campaign_level: bool = False) -> Assessment:
        findings = []
        for detector in self.detectors:
            if detector.name == "sybil_structure" and not campaign_level:
                continue
            finding = detector.score_account(entity_id, features)
            if finding is not None and finding.score > 0:
                findings.append(finding)
        findings.sort(key=lambda f: self.weights.get(f.detector, 0.5) * f.score, reverse=True)
        return Assessment(combine(findings, self.weights, self.families), findings, features)

    def assess_account(self, account_id: str) -> Assessment:
        return self.assess(account_id, self.features_of(self.states[account_id]))

    def assess_campaign(self, members: list[str]) -> Assessment:
        states = [self.states[m] for m in members]
        merged = AccountState(account_id=campaign_id_for(members), members=0)
        for state in states:
            merged.merge(state)
        merged.created_at = None
        return self.assess(merged.account_id, self.features_of(merged, campaign_extras(states)), campaign_level=True)

    # -- campaigns -------------------------------------------------------------
    def link_all(self) -> None:
        if not self.linking_enabled:
            return
        # A canonical order (first seen, then id): linking weighs evidence as it accumulates, so the
        # order must not depend on how the states were gathered (one process or several).
        for state in sorted(self.states.values(), key=lambda s: (s.first_ts, s.account_id)):
            self.linker.observe(state)

    def campaigns(self) -> list[CampaignView]:
        if not self.linking_enabled:
            return []
        views = []
        for root, members in self.linker.campaigns(self.min_campaign).items():
            views.append(CampaignView(campaign_id_for(members), root, members, self.assess_campaign(members), self.linker.evidence(root)))
        return views

    # -- verdicts --------------------------------------------------------------
    def finalize(self) -> tuple[list[dict[str, Any]], list[CampaignView]]:
        """Batch verdicts for every account seen, with campaigns."""
        self.fit()
        self.link_all()
        campaign_views = self.campaigns()
        by_member = {m: view for view in campaign_views for m in view.members}
        verdicts = []
        for account_id in self.states:
            own = self.assess_account(account_id)
            verdicts.append(self.verdict(account_id, own, by_member.get(account_id)))
        return verdicts, campaign_views

    def combined_risk(self, own: Assessment, campaign: CampaignView | None) -> float:
        if campaign is None or not self.campaign_inherit:
            return own.risk
        return max(own.risk, campaign.assessment.risk)

    @staticmethod
    def campaign_summary(campaign_id: str, members: list[str], links: dict[str, Any]) -> dict[str, Any]:
        """What joined this account to others: enough for an analyst to check the link in a minute."""
        return {"campaign_id": campaign_id, "members": len(members), "member_sample": members[:10],
                "link_reasons": links.get("link_reasons", {}), "sample_links": links.get("sample_links", [])[:5]}

    def verdict(self, account_id: str, own: Assessment, campaign: CampaignView | None) -> dict[str, Any]:
        risk = self.combined_risk(own, campaign)
        findings = [dict(f.to_json(), scope="account") for f in own.findings]
        if campaign is not None:
            for finding in campaign.assessment.findings:
                item = finding.to_json()
                item["scope"] = "campaign"
                item["evidence"] = dict(item["evidence"], campaign_id=campaign.campaign_id, campaign_members=len(campaign.members))
                findings.append(item)
        state = self.states[account_id]
        return {
            "account_id": account_id,
            "campaign": self.campaign_summary(campaign.campaign_id, campaign.members, campaign.links) if campaign is not None else None,
            "risk": round(risk, 6),
            "flagged": risk >= self.threshold,
            "campaign_id": campaign.campaign_id if campaign is not None else None,
            "findings": findings,
            "account_risk": round(own.risk, 6),
            "campaign_risk": round(campaign.assessment.risk, 6) if campaign is not None else None,
            "requests": state.n,
        }
