"""Per-account state, updated one event at a time.

The batch scan, the time-ordered replay and the gateway all feed events through
`AccountState.update`, so a feature means exactly the same thing in each. States
merge (`merge`), which is how a campaign of many small accounts is scored as the
one big harvest it is. Memory per account is bounded by the caps below.
"""

from __future__ import annotations

import ipaddress
import math
import zlib
from functools import lru_cache
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from distillguard.events.model import ApiEvent
from distillguard.features.embedding import DIM
from distillguard.features.text import TASK_KINDS, PromptFeatures

SET_CAP = 4096  # distinct values remembered per attribute
EXAMPLE_CAP = 5
SPREAD_WINDOW = 128  # topical spread is measured on a fixed window so it does not decay with volume  # example prompts kept per reason
PHRASE_CAP = 256  # phrase keys remembered per account
MAX_TOKENS_HIGH = 2048  # a max_tokens at or above this asks for (near) the ceiling


@lru_cache(maxsize=65536)
def ip_prefix(ip: str | None) -> str | None:
    """The /24 (IPv4) or /48 (IPv6) network of an address: how proxy pools and NATs cluster."""
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    bits = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{bits}", strict=False))


_NO_USAGE: dict = {}
_SYSTEM_ROLES = ("system", "developer")  # as ApiEvent.system_text reads them
_MASK_KINDS: dict[int, tuple[int, ...]] = {}  # a task mask -> the indices of its set bits


def _add_capped(values: set, value: Any) -> None:
    if value is not None and len(values) < SET_CAP:
        values.add(value)


def _entropy(counts: list[int] | tuple[int, ...]) -> float:
    total = sum(counts)
    if total <= 0:
        return 0.0
    return -sum((c / total) * math.log2(c / total) for c in counts if c)


@dataclass(slots=True)
class AccountState:
    account_id: str
    n: int = 0
    first_ts: float = 0.0
    last_ts: float = 0.0
    cost: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    # inter-arrival gaps (Welford)
    gap_n: int = 0
    gap_mean: float = 0.0
    gap_m2: float = 0.0
    hours: list[int] = field(default_factory=lambda: [0] * 24)
    days: set = field(default_factory=set)
    # sampling parameters
    max_tokens_high: int = 0
    max_tokens_tiny: int = 0
    max_tokens_sum: int = 0
    n_gt1: int = 0
    n_sum: int = 0
    logprobs: int = 0
    top_logprobs_high: int = 0
    top_logprobs_max: int = 0
    logit_bias: int = 0
    bias_extreme: int = 0
    bias_tokens: set = field(default_factory=set)
    temperature_zero: int = 0
    temperatures: set = field(default_factory=set)
    streamed: int = 0
    # text
    cot: int = 0
    identity: int = 0
    output_max: int = 0
    synthetic: int = 0
    bench_format: int = 0
    bench_match: int = 0
    code: int = 0
    task_counts: list[int] = field(default_factory=lambda: [0] * len(TASK_KINDS))
    prefixes: Counter = field(default_factory=Counter)
    suffixes: Counter = field(default_factory=Counter)
    shapes: set = field(default_factory=set)
    near_dup: int = 0
    shared_prompts: int = 0  # a merged group's prompts that another member sent too (near_dup counts each member's own repeats)
    first_words: set = field(default_factory=set)
    spread_distinct: int = 0  # distinct opening words among an account's first SPREAD_WINDOW prompts
    spread_n: int = 0
    imperative: int = 0
    formatted: int = 0
    single_turn: int = 0
    system_prompts: set = field(default_factory=set)
    chars_sum: int = 0
    bias_variants: dict = field(default_factory=dict)  # shape key -> distinct logit_bias key sets (Carlini-style sweeps)
    bias_key_sets: set = field(default_factory=set)  # distinct logit_bias key sets: a static ban list is one
    # content: sum of the unit embeddings of the sampled prompts (features/embedding.py)
    emb_sum: Any = None
    emb_n: int = 0
    phrases: set = field(default_factory=set)  # sampled phrase keys of the first prompts (features/embedding.py)
    # sampled: share of each answer's content already in its request (features/reuse.py)
    reuse_sum: float = 0.0
    reuse_n: int = 0
    # who and where
    ips: set = field(default_factory=set)
    prefixes_net: set = field(default_factory=set)
    user_agents: set = field(default_factory=set)
    api_keys: set = field(default_factory=set)
    payments: set = field(default_factory=set)
    email_domains: set = field(default_factory=set)
    orgs: set = field(default_factory=set)
    created_at: float | None = None
    tier: str | None = None
    first_day_requests: int = 0
    sampling_profiles: Counter = field(default_factory=Counter)
    examples: dict = field(default_factory=dict)
    members: int = 1

    # ------------------------------------------------------------------
    def update(self, event: ApiEvent, pf: PromptFeatures, bench_hit: bool, prompt: str, vector: Any = None,
               phrases: list[int] | None = None) -> None:
        """Add one event. Written for speed (it runs for every event); tests/robust/test_speed_paths.py
        checks it leaves exactly the state the plain version (kept there) leaves."""
        when = event.ts
        ts = when.timestamp()
        if vector is not None:
            self.add_embedding(vector)
        if phrases:
            self.phrases.update(phrases[: max(0, PHRASE_CAP - len(self.phrases))])
        if self.n == 0:
            self.first_ts = ts
        elif ts >= self.last_ts:
            gap = ts - self.last_ts
            self.gap_n += 1
            delta = gap - self.gap_mean
            self.gap_mean += delta / self.gap_n
            self.gap_m2 += delta * (gap - self.gap_mean)
        if ts > self.last_ts:  # max() and min() of finite floats, without the calls
            self.last_ts = ts
        if ts < self.first_ts:
            self.first_ts = ts
        self.n += 1
        self.hours[when.hour] += 1
        cap = SET_CAP  # the capped sets below are filled inline: a call per value cost more than the test
        if len(self.days) < cap:
            self.days.add(int(ts // 86400))
        self.cost += event.cost_usd or 0.0
        response = event.response  # the token properties of the event, inline
        usage = (response.get("usage") if response else None) or _NO_USAGE
        value = usage.get("prompt_tokens")
        self.prompt_tokens += int(value) if isinstance(value, (int, float)) else max(1, len(event.prompt_text) // 4)
        value = usage.get("completion_tokens")
        self.completion_tokens += int(value) if isinstance(value, (int, float)) else len(event.response_text) // 4

        req = event.request
        get = req.get
        max_tokens = get("max_tokens") or get("max_completion_tokens") or 0
        self.max_tokens_sum += max_tokens
        if max_tokens >= MAX_TOKENS_HIGH:
            self.max_tokens_high += 1
        if 0 < max_tokens <= 2:
            self.max_tokens_tiny += 1
        n_choices = get("n") or 1
        self.n_sum += n_choices
        if n_choices > 1:
            self.n_gt1 += 1
        logprobs = bool(get("logprobs"))
        if logprobs:
            self.logprobs += 1
        top = get("top_logprobs") or 0
        if top:
            if top >= 5:
                self.top_logprobs_high += 1
            if top > self.top_logprobs_max:
                self.top_logprobs_max = top
        bias = get("logit_bias")
        if bias:
            self.logit_bias += 1
            keys = tuple(sorted(str(k) for k in bias))
            if any(isinstance(v, (int, float)) and abs(v) >= 50 for v in bias.values()):
                self.bias_extreme += 1
            for key in keys[:64]:
                _add_capped(self.bias_tokens, key)
            _add_capped(self.bias_key_sets, zlib.crc32("|".join(keys).encode()))
            variants = self.bias_variants.get(pf.shape_key)
            if variants is None and len(self.bias_variants) < 256:
                variants = self.bias_variants[pf.shape_key] = set()
            if variants is not None and len(variants) < 64:
                variants.add(zlib.crc32("|".join(keys).encode()))
        temperature = get("temperature")
        if temperature is not None:
            if temperature == 0:
                self.temperature_zero += 1
            if len(self.temperatures) < cap:
                self.temperatures.add(round(float(temperature), 2))
        if get("stream"):
            self.streamed += 1

        cot, identity, output_max, synthetic = pf.cot, pf.identity, pf.output_max, pf.synthetic
        self.cot += cot
        self.identity += identity
        self.output_max += output_max
        self.synthetic += synthetic
        self.bench_format += pf.bench_format
        self.bench_match += bench_hit
        self.code += pf.code
        self.chars_sum += pf.chars
        mask = pf.task_mask
        if mask:
            kinds = _MASK_KINDS.get(mask)
            if kinds is None:
                kinds = _MASK_KINDS[mask] = tuple(i for i in range(mask.bit_length()) if mask >> i & 1)
            counts = self.task_counts
            for index in kinds:
                counts[index] += 1
        counter = self.prefixes
        key = pf.prefix_key
        if len(counter) < cap or key in counter:
            counter[key] = counter.get(key, 0) + 1
        key = pf.suffix_key
        if key:
            counter = self.suffixes
            if len(counter) < cap or key in counter:
                counter[key] = counter.get(key, 0) + 1
        key = pf.shape_key
        if key in self.shapes:
            self.near_dup += 1
        elif len(self.shapes) < cap:
            self.shapes.add(key)
        key = pf.first_word
        if self.spread_n < SPREAD_WINDOW:
            self.spread_n += 1
            if key not in self.first_words:
                self.spread_distinct += 1
        if len(self.first_words) < cap:
            self.first_words.add(key)
        self.imperative += pf.imperative
        self.formatted += pf.formatted

        messages = get("messages")
        if isinstance(messages, list):
            users, system_role = 0, False  # one pass: the user turns, and whether a system text can exist
            for message in messages:
                if isinstance(message, dict):
                    role = message.get("role")
                    if role == "user":
                        users += 1
                    elif role in _SYSTEM_ROLES:
                        system_role = True
            if users <= 1:
                self.single_turn += 1
            if system_role:
                system = event.system_text
                if system and len(self.system_prompts) < cap:
                    self.system_prompts.add(zlib.crc32(system[:500].encode("utf-8", "surrogatepass")))
        else:
            self.single_turn += 1

        ip = event.ip
        if ip is not None:
            if len(self.ips) < cap:
                self.ips.add(ip)
            if len(self.prefixes_net) < cap:
                net = ip_prefix(ip)
                if net is not None:
                    self.prefixes_net.add(net)
        value = event.user_agent
        if value is not None and len(self.user_agents) < cap:
            self.user_agents.add(value)
        value = event.api_key_id
        if value is not None and len(self.api_keys) < cap:
            self.api_keys.add(value)
        value = event.org_id
        if value is not None and len(self.orgs) < cap:
            self.orgs.add(value)
        account = event.account
        if account:  # None or {} adds nothing below
            value = account.get("payment_fingerprint")
            if value is not None and len(self.payments) < cap:
                self.payments.add(value)
            value = (account.get("email_domain") or "").lower() or None
            if value is not None and len(self.email_domains) < cap:
                self.email_domains.add(value)
            if self.tier is None and isinstance(account.get("tier"), str):
                self.tier = account["tier"][:32]
            if self.created_at is None and account.get("created_at"):
                try:
                    self.created_at = datetime.fromisoformat(account["created_at"]).timestamp()
                except (TypeError, ValueError):
                    pass
        if self.created_at is not None and ts - self.created_at < 86400:
            self.first_day_requests += 1
        profile = (max_tokens // 256, round(float(temperature), 1) if temperature is not None else None, n_choices, logprobs, bool(bias))
        counter = self.sampling_profiles
        if len(counter) < 64 or profile in counter:
            counter[profile] = counter.get(profile, 0) + 1

        examples = self.examples
        if cot or identity or output_max or synthetic or bench_hit:
            for reason, hit in (("cot", cot), ("identity", identity), ("output_max", output_max), ("synthetic", synthetic),
                                ("bench_match", bench_hit)):
                if hit:
                    bucket = examples.setdefault(reason, [])
                    if len(bucket) < EXAMPLE_CAP:
                        bucket.append(prompt[:300])
        bucket = examples.get("any")
        if bucket is None:
            bucket = examples["any"] = []
        if len(bucket) < EXAMPLE_CAP:
            bucket.append(prompt[:300])

    def add_embedding(self, vector: Any) -> None:
        if self.emb_sum is None:
            self.emb_sum = np.zeros(DIM, dtype=np.float64)
        self.emb_sum += vector
        self.emb_n += 1

    def add_reuse(self, share: float | None) -> None:
        if share is not None:
            self.reuse_sum += share
            self.reuse_n += 1

    def centroid(self) -> Any:
        """Mean embedding of the sampled prompts (None before any was embedded)."""
        return None if self.emb_sum is None or self.emb_n == 0 else self.emb_sum / self.emb_n

    # ------------------------------------------------------------------
    def merge(self, other: "AccountState") -> None:
        """Fold another account into this one (campaign-level view)."""
        if other.n == 0:
            return
        self.first_ts = other.first_ts if self.n == 0 else min(self.first_ts, other.first_ts)
        self.last_ts = max(self.last_ts, other.last_ts)
        for name in (
            "n", "cost", "prompt_tokens", "completion_tokens", "max_tokens_high", "max_tokens_tiny", "max_tokens_sum",
            "n_gt1", "n_sum", "logprobs", "top_logprobs_high", "logit_bias", "bias_extreme", "temperature_zero", "streamed",
            "cot", "identity", "output_max", "synthetic", "bench_format", "bench_match", "code", "near_dup", "single_turn",
            "chars_sum", "first_day_requests", "members", "spread_distinct", "spread_n", "imperative", "formatted",
            "reuse_sum", "reuse_n",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        # gaps: pooled per-account statistics (a campaign's own arrivals interleave)
        total = self.gap_n + other.gap_n
        if total:
            delta = other.gap_mean - self.gap_mean
            mean = self.gap_mean + delta * other.gap_n / total
            self.gap_m2 += other.gap_m2 + delta * delta * self.gap_n * other.gap_n / total
            self.gap_mean, self.gap_n = mean, total
        self.top_logprobs_max = max(self.top_logprobs_max, other.top_logprobs_max)
        self.hours = [a + b for a, b in zip(self.hours, other.hours)]
        self.task_counts = [a + b for a, b in zip(self.task_counts, other.task_counts)]
        self.prefixes.update(other.prefixes)
        self.suffixes.update(other.suffixes)
        self.sampling_profiles.update(other.sampling_profiles)
        if other.emb_sum is not None:
            self.emb_sum = other.emb_sum.copy() if self.emb_sum is None else self.emb_sum + other.emb_sum
            self.emb_n += other.emb_n
        # Logit bias is judged per member: the union of a team's static ban lists is not a sweep.
        if len(other.bias_tokens) > len(self.bias_tokens):
            self.bias_tokens = set(other.bias_tokens)
        if len(other.bias_key_sets) > len(self.bias_key_sets):
            self.bias_key_sets = set(other.bias_key_sets)
        for key, variants in other.bias_variants.items():
            mine = self.bias_variants.get(key)
            if mine is None or len(variants) > len(mine):
                self.bias_variants[key] = set(variants)
        for name in ("days", "temperatures", "first_words", "system_prompts", "ips", "prefixes_net",
                     "user_agents", "api_keys", "payments", "email_domains", "orgs"):
            target = getattr(self, name)
            for value in getattr(other, name):
                _add_capped(target, value)
        # The same prompt from two members is a shared assignment or a team's stock request, not one account
        # sampling an answer again: a group's near_dup stays its members' own repeats.
        self.shared_prompts += other.shared_prompts + len(self.shapes & other.shapes)
        for value in other.shapes:
            _add_capped(self.shapes, value)
        for reason, prompts in other.examples.items():
            bucket = self.examples.setdefault(reason, [])
            bucket.extend(prompts[: max(0, EXAMPLE_CAP - len(bucket))])

    def content_concentration(self) -> float:
        """Mean cosine between two different sampled prompts (from the sum alone): a person dwelling
        on a few subjects or one template scores high, a sweep over a task space low."""
        if self.emb_sum is None or self.emb_n < 2:
            return -1.0
        n = self.emb_n
        return float((float(self.emb_sum @ self.emb_sum) - n) / (n * (n - 1)))

    # ------------------------------------------------------------------
    def features(self) -> dict[str, float]:
        """Numbers the detectors read. Rates are per request so accounts of any size compare."""
        n = max(self.n, 1)
        span_h = max((self.last_ts - self.first_ts) / 3600.0, 1.0 / 60)
        active_days = max(len(self.days), 1)
        gap_std = math.sqrt(self.gap_m2 / self.gap_n) if self.gap_n > 1 else 0.0
        top_prefix = self.prefixes.most_common(1)[0][1] if self.prefixes else 0
        top_suffix = self.suffixes.most_common(1)[0][1] if self.suffixes else 0
        top_profile = self.sampling_profiles.most_common(1)[0][1] if self.sampling_profiles else 0
        carlini_sweeps = sum(1 for v in self.bias_variants.values() if len(v) >= 3)
        per_member = max(self.members, 1)
        reuse_floor = max(3, 0.01 * n)
        reused_prefix = [c for c in self.prefixes.values() if c >= reuse_floor]
        reused_suffix = [c for c in self.suffixes.values() if c >= reuse_floor]
        return {
            "reused_templates": float(max(len(reused_prefix), len(reused_suffix))),
            "templated_share": max(sum(reused_prefix), sum(reused_suffix)) / n,
            "requests": float(self.n),
            "requests_per_member": self.n / per_member,
            "members": float(self.members),
            "active_days": float(active_days),
            "span_hours": span_h,
            "requests_per_hour": self.n / span_h,
            "requests_per_active_day": self.n / active_days / per_member,
            "cost_usd": self.cost,
            "cost_per_member": self.cost / per_member,
            "cost_per_request": self.cost / n,
            "prompt_tokens": float(self.prompt_tokens),
            "completion_tokens": float(self.completion_tokens),
            "completion_tokens_per_request": self.completion_tokens / n,
            "output_input_ratio": self.completion_tokens / max(self.prompt_tokens, 1),
            "interarrival_cv": gap_std / self.gap_mean if self.gap_mean > 0 and self.gap_n > 2 else 1.0,
            "hour_entropy": _entropy(self.hours),
            "active_hours": float(sum(1 for h in self.hours if h)),
            "night_share": sum(self.hours[0:6]) / n,
            "max_tokens_high_rate": self.max_tokens_high / n,
            "max_tokens_tiny_rate": self.max_tokens_tiny / n,
            "mean_max_tokens": self.max_tokens_sum / n,
            "n_gt1_rate": self.n_gt1 / n,
            "mean_n": self.n_sum / n,
            "logprobs_rate": self.logprobs / n,
            "top_logprobs_high_rate": self.top_logprobs_high / n,
            "top_logprobs_max": float(self.top_logprobs_max),
            "logit_bias_rate": self.logit_bias / n,
            "bias_extreme_rate": self.bias_extreme / n,
            "bias_distinct_tokens": float(len(self.bias_tokens)),
            "bias_sweep_prompts": float(carlini_sweeps),
            "bias_key_sets": float(len(self.bias_key_sets)),
            "content_concentration": self.content_concentration(),
            "embedded_prompts": float(self.emb_n),
            "response_reuse": self.reuse_sum / self.reuse_n if self.reuse_n else 0.0,
            "temperature_zero_rate": self.temperature_zero / n,
            "temperature_distinct": float(len(self.temperatures)),
            "stream_rate": self.streamed / n,
            "cot_rate": self.cot / n,
            "identity_rate": self.identity / n,
            "output_max_rate": self.output_max / n,
            "synthetic_rate": self.synthetic / n,
            "bench_format_rate": self.bench_format / n,
            "bench_match_rate": self.bench_match / n,
            "bench_matches": float(self.bench_match),
            "code_rate": self.code / n,
            "task_entropy": _entropy(self.task_counts),
            "task_kinds": float(sum(1 for c in self.task_counts if c)),
            "top_prefix_share": top_prefix / n,
            "distinct_prefix_ratio": len(self.prefixes) / n,
            "top_suffix_share": top_suffix / n,
            "near_dup_rate": self.near_dup / n,
            "shared_prompt_rate": self.shared_prompts / n,
            "topic_spread": self.spread_distinct / max(self.spread_n, 1),
            "imperative_rate": self.imperative / n,
            "formatted_rate": self.formatted / n,
            "single_turn_rate": self.single_turn / n,
            "system_prompts": float(len(self.system_prompts)),
            "mean_prompt_chars": self.chars_sum / n,
            "top_profile_share": top_profile / n,
            "ips": float(len(self.ips)),
            "ip_prefixes": float(len(self.prefixes_net)),
            "user_agents": float(len(self.user_agents)),
            "api_keys": float(len(self.api_keys)),
            "account_age_days_at_first": (self.first_ts - self.created_at) / 86400.0 if self.created_at else -1.0,
            "first_day_requests": float(self.first_day_requests),
        }
