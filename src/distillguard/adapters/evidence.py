"""Which detectors lose evidence when a log lacks a field: one declared map, used for every format.

A field family is a group of event fields some detectors or the campaign linker read; the
map below says which, once, so that `scan` can tell from the events it actually read which
evidence was missing (and adapters never hard-code a warning of their own).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from distillguard.adapters.base import ANONYMOUS
from distillguard.events.model import ApiEvent


@dataclass(frozen=True)
class Family:
    name: str
    fields: tuple[str, ...]
    present: Callable[[ApiEvent], bool]
    loses: tuple[str, ...]  # detectors (by registry name) and linker evidence that read it


def _account(event: ApiEvent, key: str) -> bool:
    return bool((event.account or {}).get(key))


def _has_usage_or_text(event: ApiEvent) -> bool:
    usage = (event.response or {}).get("usage") or {}
    return isinstance(usage.get("completion_tokens"), (int, float)) or bool(event.response_text)


_SAMPLING = ("max_tokens", "max_completion_tokens", "temperature", "n", "logprobs", "top_logprobs", "logit_bias")
_LOGPROB_KEYS = ("logprobs", "top_logprobs", "logit_bias")


def _sets_any(request: dict, keys: tuple[str, ...]) -> bool:
    """Some key of `keys` has a value (a loop, not any() over a generator: this runs for every event)."""
    for key in keys:
        if request.get(key) is not None:
            return True
    return False

FAMILIES: tuple[Family, ...] = (
    Family("account identity", ("account_id",), lambda e: e.account_id != ANONYMOUS,
           ("every per-account detector (requests without an identity were charged to 'anonymous')",)),
    Family("prompt text", ("request.messages", "request.prompt"), lambda e: bool(e.prompt_text),
           ("instruction_harvest", "template_sweep", "reasoning_coercion", "identity_probe", "benchmark_harvest", "output_maximising",
            "linking by shared prompt templates")),
    Family("completion text or token usage", ("response",), _has_usage_or_text,
           ("ceiling_outputs", "output_maximising", "reasoning_coercion", "new_account_ramp", "usage_anomaly (output tokens)")),
    Family("sampling parameters", tuple(f"request.{k}" for k in _SAMPLING),
           lambda e: _sets_any(e.request, _SAMPLING),
           ("logprob_extraction", "benchmark_harvest", "ceiling_outputs", "linking by sampling profile")),
    Family("logprob and logit_bias parameters", ("request.logprobs", "request.top_logprobs", "request.logit_bias"),
           lambda e: _sets_any(e.request, _LOGPROB_KEYS),
           ("logprob_extraction",)),
    Family("client IP", ("ip",), lambda e: bool(e.ip), ("linking by shared IP and /24 network",)),
    Family("user agent", ("user_agent",), lambda e: bool(e.user_agent), ("linking by client",)),
    Family("payment fingerprint", ("account.payment_fingerprint",), lambda e: _account(e, "payment_fingerprint"),
           ("linking by shared payment instrument",)),
    Family("account metadata", ("account.created_at", "account.email_domain"),
           lambda e: _account(e, "created_at") or _account(e, "email_domain"),
           ("new_account_ramp", "sybil_structure", "linking by sign-up burst and email domain")),
    Family("cost", ("cost_usd",), lambda e: e.cost_usd is not None, ("usage_anomaly (spend)",)),
)

_IDENTITY = FAMILIES[0]  # "account identity": counted for every event


@dataclass
class Coverage:
    """Counts, over the events a scan read, how many carry each field family.

    What the report needs (`missing`) is how many events name no account, and for every other
    family whether any event carried it; so those are counted until the first event that carries
    them (a count of 0 still means none did) and not tested again: a scan pays for one test per event."""

    events: int = 0
    present: dict[str, int] = field(default_factory=lambda: {f.name: 0 for f in FAMILIES})
    _unseen: tuple[Family, ...] = field(default_factory=lambda: FAMILIES[1:], repr=False, compare=False)

    def observe(self, event: ApiEvent) -> None:
        self.events += 1
        if _IDENTITY.present(event):
            self.present[_IDENTITY.name] += 1
        if self._unseen:
            carried = [family for family in self._unseen if family.present(event)]
            if carried:
                for family in carried:
                    self.present[family.name] += 1
                self._unseen = tuple(family for family in self._unseen if not self.present[family.name])

    def merge(self, other: "Coverage") -> None:
        """Add another scan part's counts (parallel scans count per worker)."""
        self.events += other.events
        for name, count in other.present.items():
            self.present[name] = self.present.get(name, 0) + count
        self._unseen = tuple(family for family in self._unseen if not self.present.get(family.name))

    def missing(self) -> list[str]:
        """One line per family no event carried (or, for identity, some events lacked)."""
        if not self.events:
            return []
        lines = []
        for family in FAMILIES:
            have = self.present[family.name]
            if family.name == "account identity":
                if have < self.events:
                    lines.append(f"account identity: {self.events - have:,} of {self.events:,} requests name no account; "
                                 f"loses evidence: {', '.join(family.loses)}")
            elif have == 0:
                lines.append(f"no {family.name} ({', '.join(family.fields)}) in any request; loses evidence: {', '.join(family.loses)}")
        return lines


def lost_by_declaration(fields_missing: tuple[str, ...]) -> list[Family]:
    """The families a format can never carry: every field of the family is among its declared missing fields."""
    missing = set(fields_missing)
    return [family for family in FAMILIES if family.name != "account identity" and set(family.fields) <= missing]
