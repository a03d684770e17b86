"""Collective evidence: many accounts whose content is one systematic sweep.

A group's content is compared with how alike two unrelated accounts of the same provider
usually are (`ContentReference.null_cosine`). Sybils that split one harvest between them
share a direction in the embedding space far beyond that, even when each sends through its
own IP, client and time zone; a team, a NAT or a shared card joins people who each do their
own work. This is the evidence a group needs before its members inherit its risk.
"""

from __future__ import annotations

from typing import Any, Mapping

from distillguard.detectors._ramp import evidence_of, greedy_share, ramp
from distillguard.detectors.base import Detector, Finding


class ContentSwarmDetector(Detector):
    name = "content_swarm"
    atlas = "AML.T0021"  # Establish Accounts, used for one extraction
    description = "Accounts whose prompts are far more alike than unrelated accounts' are, with harvest-like requests"

    def score_account(self, account_id: str, features: Mapping[str, Any]) -> Finding | None:
        if features.get("declared_org_share", 0.0) > 0.5:
            return None
        null = features.get("content_null_cosine", 1.0)
        margin = self.params.get("margin", 0.15)
        alike = ramp(features.get("content_cohesion", 0.0), null, null + margin)
        # ... and far more alike than what ordinary accounts send (people's requests relayed by apps are alike too)
        apart = ramp(features.get("content_alignment", 1.0) - features.get("content_outside_alignment", 0.0), 0.1, 0.25)
        members = features.get("content_members", 0.0)
        alike *= apart * ramp(members, 3, 10)
        # ... or they fill one set of templates: phrases no ordinary account writes, shared among the members
        # (a sybil of a sweep needs only a few prompts for that, fewer than a content direction needs)
        templated = ramp(features.get("phrase_sharing", 0.0), 0.5, 0.9) * ramp(features.get("members", 0.0), 3, 10)
        if templated > alike:
            alike, members = templated, features.get("members", 0.0)
        # ... or members that each never dwell on a subject share one mixture of subjects: a task grid split
        # between sybils (compared uncentred, against how alike unrelated accounts are uncentred)
        raw_null = features.get("raw_null_cosine", 1.0)
        broad = ramp(features.get("raw_cohesion", 0.0), raw_null, raw_null + margin) * ramp(features.get("broad_share", 0.0), 0.5, 0.9) \
            * ramp(features.get("content_members", 0.0), 3, 10)
        if broad > alike:
            alike, members = broad, features.get("content_members", 0.0)
        if members < 3:
            return None
        # what the group asks for: single-turn requests with room for long answers (a harvest's shape)
        # (over the merged requests, or over the members each counted once)
        shape = max(ramp(features.get("single_turn_rate", 0.0), 0.6, 0.85) * max(
            ramp(features.get("completion_tokens_per_request", 0.0), 300, 900), ramp(features.get("max_tokens_high_rate", 0.0), 0.2, 0.6)),
            ramp(features.get("harvest_shaped_share", 0.0), 0.5, 0.9),
            # ... or members that each never dwell on a subject, all pointing one way: one task grid split between sybils
            ramp(features.get("broad_share", 0.0), 0.5, 0.9))
        # many evaluation runs of one benchmark look alike too, but decode greedily, one sample an item
        score = alike * shape * (1.0 - greedy_share(features))
        if score <= 0:
            return None
        top = sorted(features.get("_attribution", {}).items(), key=lambda kv: -kv[1])[:5]
        return self.finding(
            score,
            {**evidence_of(features, "content_cohesion", "content_null_cosine", "content_alignment", "content_outside_alignment",
                           "content_members", "phrase_sharing", "single_turn_rate",
                           "completion_tokens_per_request", "declared_org_share", "harvest_shaped_share", "broad_share",
                           "raw_cohesion", "raw_null_cosine"),
             "driving_accounts": [{"account_id": a, "alignment": s} for a, s in top]},
            f"{int(members)} accounts send content {features.get('content_cohesion', 0):.2f} alike (unrelated accounts: "
            f"{null:.2f} at most), single-turn with long answers",
        )
