"""The enforcement policy: a YAML file mapping what the scorer knows to what the gateway does.

Actions, mildest first: `allow`, `degrade` (strip logprobs/top_logprobs/logit_bias, cap
max_tokens, drop reasoning content), `throttle` (token buckets per account and per
campaign; 429 + Retry-After when empty), `hold` (403 `account_held_for_review`, account put
on the review queue), `block` (403 `account_blocked`). Every rule that matches contributes
its action; `block` beats `hold` beats the rest, and `throttle` and `degrade` combine.

Sources of rules, in order: analyst overrides (admin API) and the allow-list decide alone;
otherwise the account's risk band, `flagged_action` when the scorer has flagged the account
(its own evidence or a flagged campaign it joined), and per-finding rules all add actions.
See config/policy.example.yaml for every key. The file is re-read when it changes (checked
at most every `reload_check_s`); a file that fails validation (or is empty) is ignored and the
previous policy stays in force, so a bad edit never drops requests. Replace the file atomically
(write a temporary file, then rename it over the policy) so a half-written file is never read.
"""

from __future__ import annotations

import ipaddress
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from distillguard.gateway.arrival import MODES as ARRIVAL_MODES

ACTIONS = ("allow", "degrade", "throttle", "hold", "block")
SEVERITY = {name: i for i, name in enumerate(ACTIONS)}
DEFAULT_STRIP = ("logprobs", "top_logprobs", "logit_bias")


@dataclass(frozen=True)
class Band:
    name: str
    min_risk: float
    actions: tuple[str, ...]


@dataclass(frozen=True)
class Bucket:
    rate_per_s: float
    burst: float


@dataclass(frozen=True)
class Policy:
    bands: tuple[Band, ...] = (Band("normal", 0.0, ("allow",)), Band("flagged", 0.5, ("block",)))
    flagged_action: tuple[str, ...] = ("block",)
    findings: dict[str, tuple[float, tuple[str, ...]]] = field(default_factory=dict)
    allow_accounts: frozenset[str] = frozenset()
    allow_orgs: frozenset[str] = frozenset()
    throttle_account: Bucket = Bucket(1.0, 20.0)
    throttle_campaign: Bucket = Bucket(5.0, 100.0)
    strip_params: tuple[str, ...] = DEFAULT_STRIP
    max_tokens_cap: int | None = 256
    drop_reasoning: bool = True
    fail_mode: str = "open"
    max_body_bytes: int = 1_048_576
    upstream_timeout_s: float = 120.0
    upstream_connect_timeout_s: float = 5.0
    retry_after_s: int = 5
    trusted_proxies: frozenset[str] = frozenset()
    trusted_networks: tuple[Any, ...] = ()  # trusted_proxies parsed (addresses or CIDR ranges)
    max_in_flight_account: int = 8  # 0: no cap
    max_in_flight_campaign: int = 32
    arrival_scoring: str = "in_flight"  # judge a request with the account's in-flight ones folded in (see arrival)
    reload_check_s: float = 1.0
    audit_allow: bool = False
    # Established customers (account age, optionally tier): what the scorer's block becomes for them.
    # None: off. A flag on a years-old paying account is a lead for an analyst, not a switch to pull.
    established_min_age_days: float | None = None
    established_tiers: frozenset[str] = frozenset()
    established_action: tuple[str, ...] = ("hold",)
    source: str = "<defaults>"


class PolicyError(ValueError):
    pass


def _actions(value: Any, where: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise PolicyError(f"{where}: expected an action or a list of actions ({', '.join(ACTIONS)})")
    for item in items:
        if item not in ACTIONS:
            raise PolicyError(f"{where}: unknown action {item!r}; known: {', '.join(ACTIONS)}")
    return tuple(items)


def _num(obj: dict, key: str, where: str, default: float, low: float = 0.0, high: float | None = None) -> float:
    value = obj.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low or (high is not None and value > high):
        rng = f">= {low}" + (f" and <= {high}" if high is not None else "")
        raise PolicyError(f"{where}.{key}: expected a number {rng}, got {value!r}")
    return float(value)


_TOP_KEYS = {"version", "fail_mode", "limits", "trusted_proxies", "allow_list", "bands", "flagged_action", "findings",
             "throttle", "degrade", "reload_check_s", "audit_allow", "concurrency", "arrival_scoring", "established"}


def parse_policy(data: Any, source: str = "<policy>") -> Policy:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise PolicyError(f"{source}: expected a YAML mapping at the top level")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise PolicyError(f"{source}: unknown key(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(_TOP_KEYS))}")
    fail_mode = data.get("fail_mode", "open")
    if fail_mode not in ("open", "closed"):
        raise PolicyError(f"{source}: fail_mode: expected 'open' or 'closed', got {fail_mode!r}")
    limits = data.get("limits") or {}
    if not isinstance(limits, dict):
        raise PolicyError(f"{source}: limits: expected a mapping")
    bands_raw = data.get("bands", [{"name": "normal", "min_risk": 0.0, "action": "allow"},
                                   {"name": "flagged", "min_risk": 0.5, "action": "block"}])
    if not isinstance(bands_raw, list) or not bands_raw:
        raise PolicyError(f"{source}: bands: expected a non-empty list")
    bands = []
    for i, raw in enumerate(bands_raw):
        where = f"{source}: bands[{i}]"
        if not isinstance(raw, dict):
            raise PolicyError(f"{where}: expected a mapping with name, min_risk, action")
        bands.append(Band(str(raw.get("name", f"band{i}")), _num(raw, "min_risk", where, 0.0, 0.0, 1.0),
                          _actions(raw.get("action", raw.get("actions")), f"{where}.action")))
    bands.sort(key=lambda b: b.min_risk)
    findings_raw = data.get("findings") or {}
    if not isinstance(findings_raw, dict):
        raise PolicyError(f"{source}: findings: expected a mapping detector -> {{min_score, action}}")
    findings = {}
    for name, raw in findings_raw.items():
        where = f"{source}: findings.{name}"
        if not isinstance(raw, dict):
            raise PolicyError(f"{where}: expected a mapping with min_score and action")
        findings[str(name)] = (_num(raw, "min_score", where, 0.5, 0.0, 1.0), _actions(raw.get("action"), f"{where}.action"))
    allow = data.get("allow_list") or {}
    if not isinstance(allow, dict):
        raise PolicyError(f"{source}: allow_list: expected a mapping with accounts and orgs")
    for key in ("accounts", "orgs"):
        if not isinstance(allow.get(key, []) or [], list):
            raise PolicyError(f"{source}: allow_list.{key}: expected a list")
    throttle = data.get("throttle") or {}
    if not isinstance(throttle, dict):
        raise PolicyError(f"{source}: throttle: expected a mapping with account and campaign buckets")
    buckets = {}
    for key, default in (("account", Bucket(1.0, 20.0)), ("campaign", Bucket(5.0, 100.0))):
        raw = throttle.get(key) or {}
        where = f"{source}: throttle.{key}"
        buckets[key] = Bucket(_num(raw, "rate_per_s", where, default.rate_per_s, 1e-6),
                              _num(raw, "burst", where, default.burst, 1.0))
    degrade = data.get("degrade") or {}
    if not isinstance(degrade, dict):
        raise PolicyError(f"{source}: degrade: expected a mapping")
    strip = degrade.get("strip_params", list(DEFAULT_STRIP))
    if not isinstance(strip, list) or not all(isinstance(s, str) for s in strip):
        raise PolicyError(f"{source}: degrade.strip_params: expected a list of request fields")
    cap = degrade.get("max_tokens_cap", 256)
    if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 1):
        raise PolicyError(f"{source}: degrade.max_tokens_cap: expected a positive integer or null")
    proxies = data.get("trusted_proxies") or []
    if not isinstance(proxies, list):
        raise PolicyError(f"{source}: trusted_proxies: expected a list of IP addresses")
    networks = []
    for i, raw in enumerate(proxies):
        try:
            networks.append(ipaddress.ip_network(str(raw), strict=False))
        except ValueError:
            raise PolicyError(f"{source}: trusted_proxies[{i}]: {raw!r} is not an IP address or CIDR range") from None
    concurrency = data.get("concurrency") or {}
    if not isinstance(concurrency, dict):
        raise PolicyError(f"{source}: concurrency: expected a mapping with per_account and per_campaign")
    caps = {}
    for key, default in (("per_account", 8), ("per_campaign", 32)):
        value = concurrency.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise PolicyError(f"{source}: concurrency.{key}: expected a whole number >= 0 (0: no cap), got {value!r}")
        caps[key] = value
    established = data.get("established") or {}
    if not isinstance(established, dict) or set(established) - {"min_age_days", "tiers", "action"}:
        raise PolicyError(f"{source}: established: expected a mapping with min_age_days, tiers and action")
    tiers = established.get("tiers") or []
    if not isinstance(tiers, list) or not all(isinstance(t, str) for t in tiers):
        raise PolicyError(f"{source}: established.tiers: expected a list of tier names")
    established_action = _actions(established.get("action", "hold"), f"{source}: established.action")
    if "block" in established_action:
        raise PolicyError(f"{source}: established.action: must be milder than block (hold, throttle, degrade or allow)")
    min_age = _num(established, "min_age_days", f"{source}: established", 0.0, 0.0) if "min_age_days" in established else None
    arrival = data.get("arrival_scoring", "in_flight")
    if arrival not in ARRIVAL_MODES:
        raise PolicyError(f"{source}: arrival_scoring: expected in_flight, always or off, got {arrival!r}")
    return Policy(
        bands=tuple(bands),
        flagged_action=_actions(data.get("flagged_action", "block"), f"{source}: flagged_action"),
        findings=findings,
        allow_accounts=frozenset(map(str, allow.get("accounts") or [])),
        allow_orgs=frozenset(map(str, allow.get("orgs") or [])),
        throttle_account=buckets["account"], throttle_campaign=buckets["campaign"],
        strip_params=tuple(strip), max_tokens_cap=cap, drop_reasoning=bool(degrade.get("drop_reasoning", True)),
        fail_mode=fail_mode,
        max_body_bytes=int(_num(limits, "max_body_bytes", f"{source}: limits", 1_048_576, 1)),
        upstream_timeout_s=_num(limits, "upstream_timeout_s", f"{source}: limits", 120.0, 0.001),
        upstream_connect_timeout_s=_num(limits, "upstream_connect_timeout_s", f"{source}: limits", 5.0, 0.001),
        retry_after_s=int(_num(limits, "retry_after_s", f"{source}: limits", 5, 1)),
        trusted_proxies=frozenset(map(str, proxies)), trusted_networks=tuple(networks),
        max_in_flight_account=caps["per_account"], max_in_flight_campaign=caps["per_campaign"], arrival_scoring=arrival,
        reload_check_s=_num(data, "reload_check_s", source, 1.0, 0.0),
        audit_allow=bool(data.get("audit_allow", False)),
        established_min_age_days=min_age, established_tiers=frozenset(tiers), established_action=established_action,
        source=source,
    )


def load_policy(path: str | Path) -> Policy:
    path = Path(path)
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise PolicyError(f"{path}: policy file not found") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PolicyError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    return parse_policy(data, str(path))


class PolicyHolder:
    """The policy in force, re-read when its file changes. Swapping is one assignment, so a
    request in flight keeps the policy object it started with and none is dropped."""

    def __init__(self, path: str | Path | None, policy: Policy | None = None) -> None:
        self.path = Path(path) if path else None
        self.policy = policy or (load_policy(self.path) if self.path else Policy())
        self._stamp = self._file_stamp()
        self._checked = time.monotonic()
        self.reloads = 0
        self.reload_errors = 0
        self.last_error: str | None = None

    def _file_stamp(self) -> tuple[int, int, int] | None:
        if self.path is None:
            return None
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def get(self) -> Policy:
        now = time.monotonic()
        if self.path is not None and now - self._checked >= self.policy.reload_check_s:
            self._checked = now
            self.maybe_reload()
        return self.policy

    def maybe_reload(self) -> bool:
        stamp = self._file_stamp()
        if stamp is None or stamp == self._stamp:
            return False
        try:
            if self.path.stat().st_size == 0:
                raise PolicyError(f"{self.path}: the file is empty (mid-write?); keeping the previous policy")
            policy = load_policy(self.path)
            if self._file_stamp() != stamp:  # changed while we read it: read again at the next check
                return False
            self._stamp = stamp
            self.policy = policy
        except PolicyError as exc:
            self._stamp = stamp
            self.reload_errors += 1
            self.last_error = str(exc)
            return False
        self.reloads += 1
        self.last_error = None
        return True


@dataclass
class Decision:
    actions: set[str]
    reasons: list[str]
    band: str | None = None
    source: str = "policy"  # policy | override | allow_list | fail_open | fail_closed

    @property
    def terminal(self) -> str | None:
        """block or hold when the request is refused outright."""
        if "block" in self.actions:
            return "block"
        if "hold" in self.actions:
            return "hold"
        return None

    @property
    def label(self) -> str:
        if self.terminal:
            return self.terminal
        mild = sorted(a for a in self.actions if a in ("throttle", "degrade"))
        return "+".join(mild) if mild else "allow"


def is_established(policy: Policy, account: dict[str, Any] | None, now_ts: float) -> bool:
    """Whether the policy's `established` rule covers an account (its key file's created_at and tier)."""
    if policy.established_min_age_days is None or not account or not account.get("created_at"):
        return False
    if policy.established_tiers and account.get("tier") not in policy.established_tiers:
        return False
    try:
        created = datetime.fromisoformat(str(account["created_at"]).replace("Z", "+00:00"))
    except ValueError:
        return False
    if created.tzinfo is None:
        created = created.replace(tzinfo=timezone.utc)
    return now_ts - created.timestamp() >= policy.established_min_age_days * 86400.0


def decide(policy: Policy, *, account_id: str, org_id: str | None, risk: float, flagged: bool,
           findings: list[Any], override: str | None, established: bool = False) -> Decision:
    """What the policy does with one request, given the account's state before it."""
    if override == "block":
        return Decision({"block"}, ["analyst override: block"], source="override")
    if override == "allow":
        return Decision({"allow"}, ["analyst override: allow"], source="override")
    if override == "hold":
        return Decision({"hold"}, ["held for review"], source="override")
    if override in ("throttle", "degrade"):
        return Decision({override}, [f"analyst override: {override}"], source="override")
    if account_id in policy.allow_accounts or (org_id and org_id in policy.allow_orgs):
        return Decision({"allow"}, ["allow-listed"], source="allow_list")
    reviewed = override == "reviewed"
    actions: set[str] = set()
    reasons: list[str] = []
    band = None
    for candidate in policy.bands:
        if risk >= candidate.min_risk:
            band = candidate
    if band is not None:
        actions.update(band.actions)
        if set(band.actions) != {"allow"}:
            reasons.append(f"risk {risk:.3f} in band '{band.name}' (>= {band.min_risk})")
    if flagged and not reviewed:
        actions.update(policy.flagged_action)
        reasons.append(f"flagged by the scorer (risk {risk:.3f})")
    for finding in findings:
        rule = policy.findings.get(getattr(finding, "detector", None))
        if rule and finding.score >= rule[0]:
            actions.update(rule[1])
            reasons.append(f"finding {finding.detector} score {finding.score:.3f} >= {rule[0]}")
    if established and "block" in actions:  # the analyst decides; their override above still blocks at once
        actions.discard("block")
        actions.update(policy.established_action)
        reasons.append(f"established account: block lowered to {'+'.join(policy.established_action)} for an analyst")
    if reviewed and actions & {"block", "hold"}:
        actions -= {"block", "hold"}
        actions.add("throttle")
        reasons.append("analyst unblocked: block/hold lowered to throttle")
    if len(actions) > 1:
        actions.discard("allow")
    return Decision(actions or {"allow"}, reasons, band.name if band else None)
