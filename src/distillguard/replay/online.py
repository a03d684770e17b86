"""Time-ordered, incremental scoring: what `scan --replay` and the gateway run.

Events arrive one at a time. Each updates its account's state; the account is re-scored
on a cadence (every request at first, then every few), campaigns are re-linked as
accounts evolve, and a campaign that crosses the threshold flags all of its members at
once, including members that join it later. Flags are sticky, for accounts and for
campaigns: a campaign's risk moves as members join and dilute or sharpen its evidence,
but once it has been flagged (and enforcement has acted) it stays flagged until an
analyst clears it; the exceptions are flags that rested only on a group's evidence (they lapse with
it) and own flags raised on an account's first few requests that its much longer record no longer
supports (`_expire_if_not_borne_out`). `first_flag_*` records the first request at which an account's flag
was raised, using only events up to and including it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from distillguard.detectors.base import Detector, Finding
from distillguard.events.model import ApiEvent
from distillguard.features.account import AccountState
from distillguard.linking.linker import campaign_id_for
from distillguard.scoring.engine import ESTABLISHED_REQUESTS, Assessment, DetectionEngine


EARLY_FLAG_REQUESTS = 100  # an own flag raised by this many requests is reviewed against the longer record
BORNE_OUT_FACTOR = 2  # ... once the account has sent this many times as many requests
BORNE_OUT_MIN_MORE = 30  # ... and at least this many more
BORNE_OUT_RISK_SHARE = 0.6  # it lapses when the risk on that record is below this share of the threshold


@dataclass
class AccountDecision:
    """The scorer's view of one account right after one of its events."""

    account_id: str
    risk: float
    flagged: bool
    campaign_id: str | None
    findings: list[Finding]
    requests_seen: int
    newly_flagged: bool = False


@dataclass
class _Track:
    risk: float = 0.0
    own: Assessment | None = None
    flagged_at: str | None = None
    flagged_ts: str | None = None
    requests_before_flag: int | None = None
    last_scored_n: int = 0
    flag_basis: str | None = None  # "own" or "campaign": inherited flags expire with the group's evidence
    expired_flag: str | None = None


@dataclass
class _CampaignTrack:
    risk: float = 0.0
    assessment: Assessment | None = None
    scored_events: int = 0
    members: list[str] = field(default_factory=list)
    campaign_id: str | None = None
    pending: int = 0
    flagged_risk: float = 0.0  # sticky: the risk at which the campaign was first flagged, 0 until then


class OnlineScorer:
    def __init__(self, engine: DetectionEngine | None = None, config: dict[str, Any] | None = None,
                 extra_detectors: list[Detector] | None = None) -> None:
        self.engine = engine or DetectionEngine(config, extra_detectors)
        replay = self.engine.config.get("replay", {})
        self.rescore_every = int(replay.get("rescore_every", 5))
        self.tracks: dict[str, _Track] = {}
        self.campaigns: dict[str, _CampaignTrack] = {}
        self.events_seen = 0
        self._next_fit = 500
        self._campaign_flag_of: dict[str, float] = {}  # account -> risk of the flagged campaign it belonged to

    # -- the per-event step ----------------------------------------------------
    def process(self, event: ApiEvent, prompt: str | None = None) -> AccountDecision:
        """Account for one event and return the decision that applies to *this* request.

        The decision uses only events up to and including this one.
        """
        engine = self.engine
        state = engine.ingest(event, prompt)
        self.events_seen += 1
        if self.events_seen >= self._next_fit:
            engine.fit()
            engine.link_content()
            self._next_fit = min(self._next_fit * 2, self._next_fit + 50_000)
        track = self.tracks.get(event.account_id)
        if track is None:
            track = self.tracks[event.account_id] = _Track()
        if state.n <= 20 or state.n - track.last_scored_n >= self.rescore_every:
            track.own = engine.assess_account(event.account_id)
            track.last_scored_n = state.n
            if engine.linking_enabled:
                engine.linker.observe(state)
                if state.emb_n in (3, 4, 5, 6, 8, 12, 16, 24, 32):  # content just became (more) judgeable: join its swarm now
                    engine.link_content_of(event.account_id)
        campaign = self._campaign_for(event.account_id)
        own_risk = track.own.risk if track.own else 0.0
        risk = max(own_risk, self._inherited(campaign, event.account_id, track.own))
        track.risk = risk
        newly = False
        if track.flagged_at is None and risk >= engine.threshold:
            track.flagged_at = event.request_id
            track.flagged_ts = event.ts.isoformat().replace("+00:00", "Z")
            track.requests_before_flag = state.n - 1
            track.flag_basis = engine.flag_basis(own_risk, risk)
            newly = True
        elif track.flagged_at is not None and track.flag_basis == "campaign":
            self._expire_if_unsupported(track, event.account_id, own_risk, campaign)
        elif track.flagged_at is not None and track.flag_basis == "own":
            self._expire_if_not_borne_out(track, state.n, risk)
        findings = list(track.own.findings if track.own else [])
        if campaign and campaign.assessment:
            findings += campaign.assessment.findings
        return AccountDecision(event.account_id, risk, track.flagged_at is not None, campaign.campaign_id if campaign else None,
                               findings, state.n, newly)

    def _inherited(self, campaign: _CampaignTrack | None, account_id: str, own: Assessment | None) -> float:
        """The risk a member takes from its campaign: only with the group's own collective evidence
        (`DetectionEngine.inherits`)."""
        if campaign is None or not self.engine.inherits(account_id, own, campaign.assessment):
            return 0.0
        return campaign.risk

    def _expire_if_unsupported(self, track: _Track, account_id: str, own_risk: float, campaign: _CampaignTrack | None) -> None:
        """A flag that rested only on a group's evidence lapses when that evidence is gone (the
        account left the group, or the group no longer shows collective evidence) or when the account,
        flagged as a fresh member, has since grown far past a sybil's size with a record of its own that
        does not tie it to the group's behaviour (membership alone never flags an established account;
        a sybil-sized member of a flagged group stays flagged however the group's risk moves)."""
        if own_risk >= self.engine.threshold:
            track.flag_basis = "own"
        elif campaign is None or campaign.assessment is None or not campaign.assessment.inheritable or campaign.risk < self.engine.threshold \
                or (self._past_sybil_size(account_id) and not self.engine.inherits(account_id, track.own, campaign.assessment)):
            track.expired_flag = track.flagged_at
            track.flagged_at = track.flagged_ts = track.requests_before_flag = track.flag_basis = None

    def _past_sybil_size(self, account_id: str) -> bool:
        """Grown past a sybil's size, or joined by content alone and established: either way its own record,
        not the group, decides."""
        engine = self.engine
        n = engine.states[account_id].n
        content_only = account_id in getattr(engine, "content_joined", ())
        return n > engine.content_max_requests or (content_only and n >= ESTABLISHED_REQUESTS)

    def _expire_if_not_borne_out(self, track: _Track, requests: int, risk: float) -> None:
        """An own flag raised on an account's first few requests lapses when a record many times longer no
        longer supports it: early rates are noisy (five prompts can look like a sweep), a harvest's evidence
        only firms up, and a flag that an account's own history contradicts is not one to keep enforcing."""
        flagged_n = (track.requests_before_flag or 0) + 1
        if flagged_n <= EARLY_FLAG_REQUESTS and requests >= BORNE_OUT_FACTOR * flagged_n and requests >= flagged_n + BORNE_OUT_MIN_MORE \
                and risk < BORNE_OUT_RISK_SHARE * self.engine.threshold:
            track.expired_flag = track.flagged_at
            track.flagged_at = track.flagged_ts = track.requests_before_flag = track.flag_basis = None

    def _campaign_for(self, account_id: str) -> _CampaignTrack | None:
        """The account's campaign, re-scored only when it has grown by a quarter since its last
        assessment; a new member inherits the current assessment at once, which is what stops
        a flagged campaign's fresh sybils on their first request."""
        engine = self.engine
        if not engine.linking_enabled:
            return None
        found = engine.linker.campaign_of(account_id, engine.min_campaign)
        if found is None:
            return None
        root, members = found
        track = self.campaigns.get(root)
        if track is None:
            # A new root can be two campaigns merged: a flag raised on either survives the merge.
            track = self.campaigns[root] = _CampaignTrack()
            track.flagged_risk = max((self._campaign_flag_of.get(m, 0.0) for m in members), default=0.0)
        events = sum(engine.states[m].n for m in members) if len(members) <= 64 or track.assessment is None else None
        grown_members = len(members) >= 1.25 * max(len(track.members), 1) or len(track.members) < 4 <= len(members)
        grown_events = events is not None and events >= 1.25 * max(track.scored_events, 16)
        if track.assessment is None or grown_members or grown_events or (events is None and self._due(track)):
            track.members = list(members)
            track.assessment = engine.assess_campaign(track.members)
            track.risk = track.assessment.risk
            track.scored_events = sum(engine.states[m].n for m in track.members)
            track.campaign_id = campaign_id_for(track.members)
            if not track.assessment.inheritable:
                track.flagged_risk = 0.0  # no collective evidence (any more): nothing to keep sticky
            elif track.flagged_risk == 0.0 and track.risk >= engine.threshold:
                track.flagged_risk = track.risk
            if track.flagged_risk:
                for member in track.members:
                    self._campaign_flag_of[member] = track.flagged_risk
            track.risk = max(track.risk, track.flagged_risk)
        elif track.flagged_risk and account_id not in self._campaign_flag_of:
            self._campaign_flag_of[account_id] = track.flagged_risk
        return track

    def _due(self, track: _CampaignTrack) -> bool:
        """Large campaigns: re-score when their total volume has grown by a quarter (checked cheaply)."""
        track.pending += 1
        if track.pending < max(16, track.scored_events // 8):
            return False
        track.pending = 0
        return sum(self.engine.states[m].n for m in track.members) >= 1.25 * track.scored_events

    def precheck(self, event: ApiEvent) -> AccountDecision:
        """The decision for a request *before* it is served, without changing any state.

        A gateway calls this before forwarding: an account already flagged is stopped, and
        so is a fresh account whose identity (egress IP, client, payment instrument,
        creation burst …) joins it to a campaign that is already flagged, on its very first
        request. `process` must still be called once the response completes.
        """
        engine = self.engine
        track = self.tracks.get(event.account_id)
        if track is not None and track.flagged_at is not None:
            return AccountDecision(event.account_id, track.risk, True, None, list(track.own.findings if track.own else []),
                                   engine.states[event.account_id].n)
        if not engine.linking_enabled:
            return AccountDecision(event.account_id, track.risk if track else 0.0, False, None, [], 0)
        if not any(c.risk >= engine.threshold for c in self.campaigns.values()):
            # nothing to inherit: a member takes at most its campaign's risk and none is at the threshold,
            # so the probe could not flag (skipping it changes no decision and saves most of its cost)
            known = engine.states.get(event.account_id)
            return AccountDecision(event.account_id, track.risk if track else 0.0, False, None, [], known.n if known else 0)
        return self._precheck_linked(event, track)

    def _precheck_linked(self, event: ApiEvent, track: "_Track | None") -> AccountDecision:
        """The precheck's probe: the account's state with this request folded in, its link keys
        looked up, and the riskiest campaign they reach, if the account would inherit its risk."""
        from distillguard.linking.linker import probe_keys

        engine = self.engine

        probe = AccountState(event.account_id)
        prompt = event.prompt_text
        probe.update(event, engine.prompt_features(prompt)[0], False, prompt)
        known = engine.states.get(event.account_id)
        if known is not None:
            probe.merge(known)
        best: _CampaignTrack | None = None
        for key in probe_keys(probe, engine.linker):
            other = engine.linker.owner.get(key)
            if other is None or other == event.account_id:
                continue
            campaign = self.campaigns.get(engine.linker.find(other))
            if campaign is not None and (best is None or campaign.risk > best.risk):
                best = campaign
        if best is not None and self._inherited(best, event.account_id, track.own if track else None) >= engine.threshold:
            return AccountDecision(event.account_id, best.risk, True, best.campaign_id, list(best.assessment.findings if best.assessment else []),
                                   known.n if known else 0)
        return AccountDecision(event.account_id, track.risk if track else 0.0, False, None, [], known.n if known else 0)

    # -- verdicts ----------------------------------------------------------------
    def verdict(self, account_id: str) -> dict[str, Any]:
        engine = self.engine
        track = self.tracks[account_id]
        own = track.own or engine.assess_account(account_id)
        campaign = self._campaign_for(account_id)
        if track.flagged_at is not None and track.flag_basis == "campaign":
            self._expire_if_unsupported(track, account_id, own.risk, campaign)
        # A group's evidence can mature after a member's last request: the policy acts on the
        # account from now on (no request of it was stopped, so all of them count as served).
        late = track.flagged_at is None and self._inherited(campaign, account_id, own) >= engine.threshold
        if late:
            track.risk = max(track.risk, campaign.risk)
        verdict = {
            "account_id": account_id,
            "campaign": engine.campaign_summary(campaign.campaign_id, campaign.members, engine.linker.evidence(account_id))
            if campaign and campaign.campaign_id else None,
            "risk": round(max(track.risk, own.risk), 6),
            "flagged": track.flagged_at is not None or late,
            "flag_basis": track.flag_basis if track.flagged_at is not None else "campaign" if late else None,
            "expired_flag_request_id": track.expired_flag,
            "campaign_id": campaign.campaign_id if campaign else None,
            "first_flag_request_id": track.flagged_at,
            "first_flag_ts": track.flagged_ts,
            "requests_before_flag": engine.states[account_id].n if late else track.requests_before_flag,
            "findings": [dict(f.to_json(), scope="account") for f in own.findings]
            + [dict(f.to_json(), scope="campaign") for f in (campaign.assessment.findings if campaign and campaign.assessment else [])],
            "account_risk": round(own.risk, 6),
            "campaign_risk": round(campaign.risk, 6) if campaign else None,
            "requests": engine.states[account_id].n,
        }
        return verdict

    def verdicts(self) -> list[dict[str, Any]]:
        return [self.verdict(account_id) for account_id in self.tracks]

    # -- persistence (restart resumes state) -----------------------------------
    def save(self, path: str | Path) -> None:
        """The scorer in the data-only snapshot format (0600): loading it runs no code, unlike a pickle."""
        from distillguard.gateway.snapshot import save_snapshot

        save_snapshot(path, self.__dict__)

    @classmethod
    def load(cls, path: str | Path) -> "OnlineScorer":
        from distillguard.gateway.snapshot import read_snapshot

        scorer = cls.__new__(cls)
        scorer.__dict__.update(read_snapshot(path))
        scorer.__dict__.setdefault("_campaign_flag_of", {})  # state saved before campaign flags were sticky
        return scorer
