"""Which watermark cohort serves a request: a flagged campaign gets a cohort of its own.

Traffic is split into `n_cohorts` account cohorts by a keyed hash of the account id (so a
later radioactivity test narrows a leak to one eighth of the accounts). A request the enforcer
ties to a flagged campaign is served under the campaign's own cohort instead, so a student
distilled from that campaign's answers names the campaign, not just a slice of customers.

Cohort names are keyed hashes (`acct-3`, `camp-<12 hex>`): no account or campaign id ever
reaches the upstream or its logs. The upstream (e.g. vLLM with
`distillguard.watermark.vllm_adapter`) derives the cohort's key from the master key it holds;
the gateway holds only the cohort secret. The provider recomputes a campaign's cohort with
`campaign_cohort(secret, campaign_id)` when testing a suspect model.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import Any

ENV_SECRET = "DISTILLGUARD_COHORT_SECRET"
EXTRA_ARGS_FIELD = "vllm_xargs"  # vLLM's OpenAI server passes this through to SamplingParams.extra_args
COHORT_ARG = "distillguard_cohort"  # what distillguard.watermark.vllm_adapter reads
N_COHORTS = 8


def _tag(secret: bytes, label: str) -> bytes:
    return hmac.new(secret, label.encode("utf-8"), hashlib.sha256).digest()


def account_cohort(secret: bytes, account_id: str, n_cohorts: int = N_COHORTS) -> str:
    return f"acct-{int.from_bytes(_tag(secret, 'account:' + account_id)[:8], 'big') % n_cohorts}"


def campaign_cohort(secret: bytes, campaign_id: str) -> str:
    return "camp-" + _tag(secret, "campaign:" + campaign_id).hex()[:12]


class CohortAssigner:
    """Chooses each request's cohort and writes it into the body forwarded upstream."""

    def __init__(self, secret: bytes, n_cohorts: int = N_COHORTS) -> None:
        if len(secret) < 16:
            raise ValueError("the cohort secret needs at least 16 bytes")
        if not 1 <= n_cohorts <= 1024:
            raise ValueError("n_cohorts must be between 1 and 1024")
        self.secret = secret
        self.n_cohorts = n_cohorts

    @classmethod
    def from_env(cls) -> "CohortAssigner | None":
        """From $DISTILLGUARD_COHORT_SECRET (hex); None when unset, so nothing is added upstream."""
        raw = os.environ.get(ENV_SECRET, "").strip()
        if not raw:
            return None
        try:
            secret = bytes.fromhex(raw)
        except ValueError:
            raise ValueError(f"${ENV_SECRET} must hold hex digits") from None
        return cls(secret)

    def cohort(self, account_id: str, campaign_id: str | None, flagged: bool) -> str:
        if flagged and campaign_id:
            return campaign_cohort(self.secret, campaign_id)
        return account_cohort(self.secret, account_id, self.n_cohorts)

    def tag(self, body: dict[str, Any], account_id: str, campaign_id: str | None, flagged: bool) -> dict[str, Any]:
        """A copy of `body` carrying the cohort; any cohort the client sent is overwritten."""
        extra = body.get(EXTRA_ARGS_FIELD)
        extra = dict(extra) if isinstance(extra, dict) else {}
        extra[COHORT_ARG] = self.cohort(account_id, campaign_id, flagged)
        return {**body, EXTRA_ARGS_FIELD: extra}
