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
from distillguard.features.builtin_benchmark import procedural_benchmark
from distillguard.features.content import ContentReference
from distillguard.features.embedding import EmbeddingCache, phrase_keys, should_embed
from distillguard.features.prompt_cache import PromptFeatureCache
from distillguard.features.reuse import response_reuse
from distillguard.linking.content_links import ContentIndex, broad_edges, broad_small, content_edges, harvest_shaped, outside_alignment
from distillguard.linking.linker import CampaignLinker, campaign_extras, campaign_id_for
from distillguard.linking.phrase_links import phrase_sharing, swarm_phrases
from distillguard.scoring.calibration import PopulationReference, calibration_report, cohort_key, threshold_for_fpr

# Detectors whose evidence belongs to a group as such: the evidence a group needs before its
# members inherit its risk (membership alone never flags an account).
COLLECTIVE_DETECTORS = frozenset({"sybil_structure", "content_swarm"})
# Detectors that read rates (shares of requests), which a merged view averages over members rather
# than adds up: strong evidence from them in a group without a declared organisation also counts.
RATE_DETECTORS = frozenset({"logprob_extraction", "reasoning_coercion", "benchmark_harvest", "identity_probe", "instruction_harvest",
                            "output_maximising"})
ESTABLISHED_REQUESTS = 20
BROAD_MEMBER_MARGIN = 0.15  # a broad member inherits when its nearest fellow members are this far above unrelated accounts' likeness  # an account this active has a record of its own to be judged on


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
    inheritable: bool = False  # campaigns: the group's own collective evidence lets members inherit its risk


@dataclass
class CampaignView:
    campaign_id: str
    root: str
    members: list[str]
    assessment: Assessment
    links: dict[str, Any]


class DetectionEngine:
    prompt_cache: PromptFeatureCache | None = None  # set per instance; None in engines pickled before it existed

    def __init__(self, config: dict[str, Any] | None = None, extra_detectors: list[Detector] | None = None,
                 benchmark_index: BenchmarkIndex | None = None) -> None:
        self.config = config or load_config()
        self.detectors, self.weights = build_detectors(self.config, extra_detectors)
        self.families = {name: spec.get("family", name) for name, spec in self.config.get("detectors", {}).items()}
        self.uncalibrated = {name for name, spec in self.config.get("detectors", {}).items() if spec.get("calibrated", True) is False}
        self._observers = [d for d in self.detectors if type(d).observe is not Detector.observe]
        self.index = benchmark_index or build_benchmark_index(self.config.get("benchmark_paths") or [])
        self.states: dict[str, AccountState] = {}
        linking = self.config.get("linking", {})
        self.linking_enabled = bool(linking.get("enabled", True))
        self.linker = CampaignLinker(bucket_minutes=int(linking.get("creation_bucket_minutes", 10)),
                                     per_type=int(linking.get("max_values_per_type", 4)))
        self.min_campaign = int(linking.get("min_campaign_size", 2))
        content_linking = linking.get("content", {})
        self.content_linking = bool(content_linking.get("enabled", True))
        self.content_min_cosine = float(content_linking.get("min_cosine", 0.5))
        self.content_neighbours = int(content_linking.get("neighbours", 8))
        self.content_max_requests = int(content_linking.get("max_requests", 300))
        self.content_index = ContentIndex()
        self.org_first: dict[str, str] = {}  # org id -> the first account seen with it
        self.shared_orgs: set[str] = set()  # org ids two or more accounts hold: declared teams (kept live, per event)
        self.content_joined: set[str] = set()  # accounts that a content link (not shared infrastructure) put in a group
        self.swarm_set: set[int] = set()  # phrases only swarm candidates use (linking/phrase_links.py), as of the last pass
        self.content_online_margin = float(content_linking.get("online_margin", 0.1))
        self.content_broad_edges = bool(content_linking.get("broad_edges", False))
        policy = self.config.get("policy", {})
        self.floor = float(policy.get("flag_threshold", 0.5))
        self.threshold = self.floor  # raised by `fit` to the population's target-FPR point
        self.campaign_inherit = bool(policy.get("campaign_inherit", True))
        calibration = self.config.get("calibration", {})
        self.calibrated = bool(calibration.get("enabled", True))
        self.target_fpr = float(calibration.get("target_fpr", 0.001))
        self.threshold_cap = float(calibration.get("threshold_cap", 0.85))
        self.fit_quantiles = tuple(float(q) for q in calibration.get("tail_fit_quantiles", (0.5, 0.7)))
        self.reference = PopulationReference(quantile=float(calibration.get("ordinary_quantile", 0.95)))
        self.content = ContentReference()
        content = self.config.get("content", {})
        self.embed_first = int(content.get("embed_first", 32))
        self.embed_every = int(content.get("embed_every", 16))
        self.embeddings = EmbeddingCache(int(content.get("cache_size", 100_000)))
        self.prompt_cache = PromptFeatureCache()

    # -- events ----------------------------------------------------------------
    def prompt_features(self, prompt: str) -> tuple[Any, bool]:
        """(features, benchmark hit) of a prompt, computed once for a gateway's precheck, its arrival
        assessment and the event's ingest (a pure function of the prompt, so the cache changes no result)."""
        if self.prompt_cache is None:  # an engine saved before the cache existed
            self.prompt_cache = PromptFeatureCache()
        return self.prompt_cache.get(prompt, self.index.match, self.index.match_words)

    def ingest(self, event: ApiEvent, prompt: str | None = None) -> AccountState:
        if prompt is None:
            prompt = event.prompt_text
        features, hit = self.prompt_features(prompt)
        state = self.states.get(event.account_id)
        if state is None:
            state = self.states[event.account_id] = AccountState(event.account_id)
        if event.org_id:
            first = self.org_first.setdefault(event.org_id, event.account_id)
            if first != event.account_id:
                self.shared_orgs.add(event.org_id)
        sampled = should_embed(state.n, self.embed_first, self.embed_every)
        vector = self.embeddings.get(prompt) if sampled else None
        phrases = phrase_keys(prompt) if state.n < self.embed_first else None
        state.update(event, features, hit, prompt, vector, phrases)
        if sampled:
            state.add_reuse(response_reuse(event.system_text + "\n" + prompt, event.response_text))
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

    def account_features(self) -> dict[str, dict[str, float]]:
        """Every account's `state.features()`, in the order of `states` (computed once for a batch
        finalisation and the store, since a state no longer changes then)."""
        return {account_id: state.features() for account_id, state in self.states.items()}

    def fit(self, features: dict[str, dict[str, float]] | None = None) -> dict[str, list[Finding]]:
        """Learn the population: detectors' statistics, the content reference, each cohort's ordinary
        scores, and the flag threshold for the target false-positive rate.

        `features`: `account_features()` when the caller has it already (left unchanged). Returns each
        account's raw findings against the fitted detectors ({} when calibration is off): a batch
        finalisation assesses accounts with exactly these, instead of scoring every account again."""
        if features is None:
            features = self.account_features()
        population = list(features.values())
        for detector in self.detectors:
            detector.fit(population)
        self.content = ContentReference.fit(self.states.values())
        if hasattr(self, "shared_orgs"):  # the live set: a team's second account declares it at once, not at the next fit
            self.shared_orgs |= self.content.shared_orgs
            self.content.shared_orgs = self.shared_orgs
        if not self.calibrated:
            return {}
        raw = {account_id: self._raw_findings(account_id, self._with_examples(account_id, features[account_id]))
               for account_id in self.states}
        for account_id, findings in raw.items():  # first every account's raw scores, so the order does not matter
            self._record(account_id, findings, self.member_risk(account_id))
        for account_id, findings in raw.items():
            self._record(account_id, findings, combine(self._calibrated(account_id, findings), self.weights, self.families))
        self.threshold = threshold_for_fpr(self.reference.risks, self.target_fpr, self.floor, self.threshold_cap, self.fit_quantiles)
        return raw

    def _with_examples(self, account_id: str, features: dict[str, float]) -> dict[str, Any]:
        """`features_of(state)` from features already computed: a copy, so the shared dict stays as the store keeps it."""
        out: dict[str, Any] = dict(features)
        out["_examples"] = self.states[account_id].examples
        return out

    def cohort_of(self, account_id: str) -> str:
        state = self.states[account_id]
        return cohort_key(state.tier, state.n, state.user_agents)

    def _raw_findings(self, entity_id: str, features: dict[str, Any], campaign_level: bool = False) -> list[Finding]:
        findings = []
        for detector in self.detectors:
            if detector.name in COLLECTIVE_DETECTORS and not campaign_level:
                continue
            finding = detector.score_account(entity_id, features)
            if finding is not None and finding.score > 0:
                findings.append(finding)
        return findings

    def _record(self, account_id: str, findings: list[Finding], risk: float) -> None:
        names = [d.name for d in self.detectors if d.name not in COLLECTIVE_DETECTORS]
        self.reference.record(account_id, self.cohort_of(account_id), {f.detector: f.score for f in findings}, risk, names)

    def _calibrated(self, account_id: str, findings: list[Finding]) -> list[Finding]:
        """Each finding by how far it rises above what is ordinary in the account's cohort."""
        cohort = self.cohort_of(account_id)
        out = []
        for finding in findings:
            if finding.detector in getattr(self, "uncalibrated", ()):
                out.append(finding)
                continue
            score, level = self.reference.calibrate(finding.detector, cohort, finding.score)
            if score > 0:
                evidence = dict(finding.evidence, raw_score=round(finding.score, 4), cohort=cohort, cohort_ordinary=round(level, 4))
                out.append(Finding(finding.detector, score, evidence, finding.atlas, finding.summary))
        return out

    def _assessment(self, findings: list[Finding], features: dict[str, Any]) -> Assessment:
        findings.sort(key=lambda f: self.weights.get(f.detector, 0.5) * f.score, reverse=True)
        return Assessment(combine(findings, self.weights, self.families), findings, features)

    def assess(self, entity_id: str, features: dict[str, Any], campaign_level: bool = False) -> Assessment:
        """Findings and risk of one entity; accounts known to the engine are calibrated against their cohort."""
        findings = self._raw_findings(entity_id, features, campaign_level)
        if campaign_level or not self.calibrated or entity_id not in self.states:
            return self._assessment(findings, features)
        assessment = self._assessment(self._calibrated(entity_id, findings), features)
        self._record(entity_id, findings, assessment.risk)
        return assessment

    def assess_account(self, account_id: str) -> Assessment:
        return self.assess(account_id, self.features_of(self.states[account_id]))

    def assess_detached(self, state: AccountState) -> Assessment:
        """An account's risk on a state the engine does not hold (a gateway's view with requests
        still in flight folded in): calibrated as `assess_account` would be, but nothing is recorded
        and no state changes."""
        features = self.features_of(state)
        findings = self._raw_findings(state.account_id, features)
        if self.calibrated:
            cohort = cohort_key(state.tier, state.n, state.user_agents)
            calibrated = []
            for finding in findings:
                score, level = self.reference.calibrate(finding.detector, cohort, finding.score)
                if score > 0:
                    calibrated.append(Finding(finding.detector, score, finding.evidence, finding.atlas, finding.summary))
            findings = calibrated
        return self._assessment(findings, features)

    def member_risk(self, account_id: str) -> float:
        """An account's own (calibrated) risk as last assessed, without re-assessing it."""
        found = self.reference.contributions.get(account_id)
        return found[2] if found is not None else 0.0

    def assess_campaign(self, members: list[str]) -> Assessment:
        """A group's risk, and whether its members may inherit it.

        The merged view sees what no member shows alone (a harvest split across sybils), but it
        also adds up members' ordinary habits, so inheritance needs the group's own collective
        evidence (look-alike accounts created together, one content sweep) or a majority of
        members that are risky on their own.
        """
        states = [self.states[m] for m in members]
        merged = AccountState(account_id=campaign_id_for(members), members=0)
        for state in states:
            merged.merge(state)
        merged.created_at = None
        extras = campaign_extras(states, getattr(self.content, "shared_orgs", None))
        cohesion = self.content.group_cohesion(states)
        attribution = cohesion.pop("attribution")
        local = cohesion.pop("local_attribution")
        raw_local = cohesion.pop("raw_local_attribution")
        cohesion["content_outside_alignment"] = outside_alignment(cohesion.pop("direction"), self.content_index.others)
        # phrase evidence comes from the members the phrases (or content) joined: a NAT's or a card's group
        # of people who drew on the same public prompts is no swarm
        joined = getattr(self, "content_joined", set())
        cohesion["phrase_sharing"], phrase_members = phrase_sharing([s for s in states if s.account_id in joined],
                                                                    getattr(self, "swarm_set", set()))
        cohesion["phrase_sharing"] *= sum(1 for s in states if s.account_id in joined) / max(len(states), 1)
        # members counted alike: the merged view weighs requests, so a few big members would decide the group's shape
        cohesion["harvest_shaped_share"] = sum(1 for s in states if harvest_shaped(s, self.content)) / max(len(states), 1)
        cohesion["broad_share"] = sum(1 for s in states if broad_small(s, self.content, self.content_max_requests)) / max(len(states), 1)
        extras.update(cohesion)
        features = self.features_of(merged, extras)
        features["_attribution"] = attribution
        features["_local_attribution"] = local
        features["_raw_local_attribution"] = raw_local
        features["_phrase_members"] = phrase_members
        assessment = self._assessment(self._raw_findings(merged.account_id, features, campaign_level=True), features)
        weighted = {f.detector: self.weights.get(f.detector, 0.5) * f.score for f in assessment.findings}
        collective = any(weighted[d] >= 0.15 for d in COLLECTIVE_DETECTORS & weighted.keys())
        undeclared_intent = extras["declared_org_share"] <= 0.5 and any(weighted[d] >= self.threshold for d in RATE_DETECTORS & weighted.keys())
        risky_members = sum(1 for m in members if self.member_risk(m) >= 0.8 * self.threshold)  # risks no longer sit at 0: "risky" must mean it
        assessment.inheritable = collective or undeclared_intent or risky_members >= 0.5 * len(members)
        return assessment

    def inherits(self, account_id: str, own: Assessment | None, campaign: Assessment | None) -> bool:
        """Whether this member takes its group's risk. Membership alone never flags an established
        account: it must show evidence of intent of its own (heavy use is not that) or clearly
        share the group's content direction. A fresh account (a new sybil on its first requests)
        has no record yet and inherits, when shared infrastructure tied it to the group; one that only
        its content put there must show that content itself (the group's phrases, or its direction):
        people who ask what a harvest asks are joined by content too."""
        if campaign is None or not self.campaign_inherit or not campaign.inheritable:
            return False
        state = self.states.get(account_id)
        content_only = account_id in getattr(self, "content_joined", ())
        if state is None or (state.n < ESTABLISHED_REQUESTS and not content_only):
            return True  # a fresh account tied by shared infrastructure: stopped on its first requests
        if content_only and state.n > self.content_max_requests:
            return False  # content joined it while it was small; grown past a sybil's size, it is judged on its own
        intent = sum(self.weights.get(f.detector, 0.5) * f.score for f in (own.findings if own else [])
                     if f.detector in RATE_DETECTORS or f.detector == "template_sweep")
        if intent >= 0.1:
            return True
        if state.n > self.content_max_requests:
            return False  # a big account is no sybil of a swarm: content alone does not make it one
        if account_id in campaign.features.get("_phrase_members", ()):
            return True  # it fills the group's templates itself
        alignment = campaign.features.get("_attribution", {}).get(account_id)
        if alignment is not None and alignment >= self.content_min_cosine:
            return True
        # a slice of a task grid: far broader than people are, and among fellow members that send the same kind of slice
        if not broad_small(state, self.content, self.content_max_requests):
            return False
        local = campaign.features.get("_local_attribution", {}).get(account_id)
        raw_local = campaign.features.get("_raw_local_attribution", {}).get(account_id)
        return (local is not None and local >= self.content.null_cosine + BROAD_MEMBER_MARGIN) or \
            (raw_local is not None and raw_local >= getattr(self.content, "raw_link_cosine", 1.0))

    # -- campaigns -------------------------------------------------------------
    def link_all(self) -> None:
        if not self.linking_enabled:
            return
        # A canonical order (first seen, then id): linking weighs evidence as it accumulates, so the
        # order must not depend on how the states were gathered (one process or several).
        for state in sorted(self.states.values(), key=lambda s: (s.first_ts, s.account_id)):
            self.linker.observe(state)
        self.link_content()

    def link_content(self) -> int:
        """Join harvest-shaped accounts whose content is one sweep (linking/content_links.py)."""
        if not (self.linking_enabled and self.content_linking):
            return 0
        states = sorted(self.states.values(), key=lambda s: s.account_id)
        kth: dict[str, float] = {}
        edges = content_edges(states, self.content, self.content_min_cosine, self.content_neighbours, self.content_max_requests, kth_out=kth)
        if self.content_broad_edges:
            edges += broad_edges(states, self.content, self.content_max_requests, self.content_neighbours)
        for a, b, _ in sorted(edges):
            self._content_link(a, b)
        phrase_edges, self.swarm_set = swarm_phrases(states, self.content, self.content_max_requests, neighbours=self.content_neighbours)
        for a, b, _ in phrase_edges:
            self._content_link(a, b)
        group_of = {m: root for root, members in self.linker.campaigns(3).items() for m in members}
        self.content_index.rebuild(states, self.content, self.content_max_requests, group_of, kth)
        return len(edges) + len(phrase_edges)

    def _content_link(self, a: str, b: str) -> None:
        self.linker.link(a, b, "content")
        joined = getattr(self, "content_joined", None)
        if joined is not None:
            joined.update((a, b))

    def link_content_of(self, account_id: str) -> int:
        """Online: link one account to its content neighbours among the indexed candidates."""
        if not (self.linking_enabled and self.content_linking):
            return 0
        state = self.states[account_id]
        early = self.content_index.early_group_of(state, self.content, self.content_min_cosine) if state.n <= self.content_max_requests else None
        if early is not None:
            self._content_link(account_id, early)
            return 1
        # one young account against another is the noisiest comparison: ask for more agreement
        found = self.content_index.neighbours_of(state, self.content, self.content_min_cosine + self.content_online_margin,
                                                 self.content_neighbours, self.content_max_requests)
        for other, _ in found:
            self._content_link(account_id, other)
        return len(found)

    def campaigns(self) -> list[CampaignView]:
        if not self.linking_enabled:
            return []
        views = []
        for root, members in self.linker.campaigns(self.min_campaign).items():
            views.append(CampaignView(campaign_id_for(members), root, members, self.assess_campaign(members), self.linker.evidence(root)))
        return views

    # -- verdicts --------------------------------------------------------------
    def finalize(self, features: dict[str, dict[str, float]] | None = None) -> tuple[list[dict[str, Any]], list[CampaignView]]:
        """Batch verdicts for every account seen, with campaigns.

        No state changes from here on, so each account's features are computed once (`features`:
        `account_features()`, when the caller keeps them for the store too) and its raw findings
        once, in `fit`: the detectors are fitted then and score a features dict the same every time."""
        if features is None:
            features = self.account_features()
        raw = self.fit(features)
        self.link_all()
        campaign_views = self.campaigns()
        by_member = {m: view for view in campaign_views for m in view.members}
        verdicts = []
        for account_id in self.states:
            own = self._assess_fitted(account_id, self._with_examples(account_id, features[account_id]), raw.get(account_id))
            verdicts.append(self.verdict(account_id, own, by_member.get(account_id)))
        return verdicts, campaign_views

    def _assess_fitted(self, account_id: str, features: dict[str, Any], raw: list[Finding] | None) -> Assessment:
        """`assess(account_id, features)`, given the raw findings `fit` scored for these features (None: score them)."""
        if raw is None:
            return self.assess(account_id, features)
        assessment = self._assessment(self._calibrated(account_id, raw), features)
        self._record(account_id, raw, assessment.risk)
        return assessment

    def combined_risk(self, own: Assessment, campaign: CampaignView | None, account_id: str | None = None) -> float:
        if campaign is None or not self.inherits(account_id or "", own, campaign.assessment):
            return own.risk
        return max(own.risk, campaign.assessment.risk)

    def flag_basis(self, own_risk: float, risk: float) -> str | None:
        """Why an account is flagged: its own evidence, or its group's collective evidence."""
        if own_risk >= self.threshold:
            return "own"
        return "campaign" if risk >= self.threshold else None

    def calibration(self, verdicts: list[dict[str, Any]]) -> dict[str, Any]:
        return calibration_report(verdicts, self.target_fpr, self.threshold)

    @staticmethod
    def campaign_summary(campaign_id: str, members: list[str], links: dict[str, Any]) -> dict[str, Any]:
        """What joined this account to others: enough for an analyst to check the link in a minute."""
        return {"campaign_id": campaign_id, "members": len(members), "member_sample": members[:10],
                "link_reasons": links.get("link_reasons", {}), "sample_links": links.get("sample_links", [])[:5]}

    def verdict(self, account_id: str, own: Assessment, campaign: CampaignView | None) -> dict[str, Any]:
        risk = self.combined_risk(own, campaign, account_id)
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
            "flag_basis": self.flag_basis(own.risk, risk),
            "campaign_id": campaign.campaign_id if campaign is not None else None,
            "findings": findings,
            "account_risk": round(own.risk, 6),
            "campaign_risk": round(campaign.assessment.risk, 6) if campaign is not None else None,
            "requests": state.n,
        }
