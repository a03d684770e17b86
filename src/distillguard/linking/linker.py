"""Campaign linking: one actor behind many accounts, found as one campaign.

Accounts are joined when they share *two independent* things at once (an egress IP
and a client; a payment instrument and a creation burst; a prompt-template family and
a sampling profile …), or one thing that alone identifies an actor (a payment
instrument). One shared attribute is not enough: a university NAT shares an IP, a
webmail domain is shared by millions. Joining is a union-find over combined keys, so
it is linear in accounts and works incrementally (the replay engine and the gateway
call `observe` as accounts evolve). Each join records why, for the evidence view.
"""

from __future__ import annotations

import itertools
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from datasketch import MinHash

from distillguard.features.account import AccountState
from distillguard.linking import evidence as link_evidence

WEBMAIL = frozenset({
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com", "proton.me", "protonmail.com",
    "icloud.com", "me.com", "aol.com", "qq.com", "163.com", "126.com", "mail.ru", "yandex.ru", "gmx.de", "gmx.net", "web.de",
})
# Pairs of attribute kinds that do not count as independent, or that legit populations share at scale.
_EXCLUDED_PAIRS = frozenset({
    frozenset({"ip", "net"}), frozenset({"ua", "profile"}), frozenset({"ua", "band"}), frozenset({"band"}),
    # a shared egress (NAT, corporate proxy) plus a popular client default is common among honest users
    frozenset({"ip", "profile"}), frozenset({"net", "profile"}),
})
_ALONE = frozenset({"payment"})  # kinds that link on their own
# Evidence families: an IP and its /24 are one piece of evidence, not two.
_FAMILY = {"ip": "network", "net": "network", "ua": "client", "payment": "payment", "domain": "domain",
           "created": "created", "profile": "profile", "band": "content", "content": "content"}
MIN_FAMILIES = 3  # two groups merge only on evidence from this many independent families (or a payment instrument)
_MINHASH_PERMS = 16
_MINHASH_SEED = 20261123
# Computing the permutations costs far more than hashing a few keys: do it once.
_TEMPLATE = MinHash(num_perm=_MINHASH_PERMS, seed=_MINHASH_SEED)


def template_bands(state: AccountState, rows: int = 2) -> list[str]:
    """LSH band keys of the MinHash of an account's recurring prompt templates.

    With 8 bands of 2 rows, two accounts whose template sets have Jaccard similarity J
    share a band with probability 1 - (1 - J^2)^8: 0.53 at J = 0.3, 0.90 at J = 0.5.
    """
    keys = [k for k, c in state.prefixes.most_common(24) if c >= 2]
    if len(keys) < 2:
        return []
    sketch = _TEMPLATE.copy()
    sketch.update_batch([k.to_bytes(4, "little") for k in keys])
    signature = sketch.hashvalues.tolist()
    return [f"{i}:{zlib.crc32(repr(signature[i:i + rows]).encode())}" for i in range(0, len(signature), rows)]


def link_attributes(state: AccountState, bucket_minutes: int, per_type: int) -> dict[str, list[str]]:
    """The attribute values of one account that linking compares."""
    attributes: dict[str, list[str]] = {
        "ip": sorted(state.ips)[:per_type],
        "net": sorted(state.prefixes_net)[:per_type],
        "ua": sorted(state.user_agents)[:2],
        "payment": sorted(state.payments)[:2],
        "domain": [d for d in sorted(state.email_domains) if d not in WEBMAIL][:1],
        "band": template_bands(state),
    }
    if state.created_at is not None:
        width = bucket_minutes * 60  # two staggered grids, so a burst is not split by a bucket edge
        attributes["created"] = [f"a{int(state.created_at // width)}", f"b{int((state.created_at + width / 2) // width)}"]
    if state.sampling_profiles:
        profile, _ = state.sampling_profiles.most_common(1)[0]
        max_bucket, temperature, n, logprobs, bias = profile
        if max_bucket >= 8 or n > 1 or logprobs or bias:  # only distinctive profiles link
            attributes["profile"] = [repr(profile)]
    return {k: v for k, v in attributes.items() if v}


@dataclass
class CampaignLinker:
    bucket_minutes: int = 10
    per_type: int = 4
    parent: dict[str, str] = field(default_factory=dict)
    owner: dict[tuple, str] = field(default_factory=dict)
    seen_keys: dict[str, set] = field(default_factory=lambda: defaultdict(set))
    reasons: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    edges: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    members: dict[str, list] = field(default_factory=dict)  # root -> accounts, kept up to date on every union
    pending: dict[tuple, set] = field(default_factory=dict)  # (root, root) -> evidence families seen between them
    version: int = 0  # bumps on every union, so callers know when campaigns changed

    # -- union-find ------------------------------------------------------------
    def find(self, account: str) -> str:
        parent = self.parent.get(account)
        if parent is None:
            self.parent[account] = account
            self.members[account] = [account]
            return account
        if parent == account:
            return account
        root = self.find(parent)
        self.parent[account] = root
        return root

    def _union(self, a: str, b: str, reason: str, families=None) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if ra > rb:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))
        self.reasons[ra].update(self.reasons.pop(rb, Counter()))
        self.reasons[ra][reason] += 1
        merged = self.edges.pop(rb, [])
        self.edges[ra].extend(merged[: max(0, 400 - len(self.edges[ra]))])
        if len(self.edges[ra]) < 400:
            self.edges[ra].append((a, b, reason))
        self.version += 1
        link_evidence.record(self, ra, rb, a, b, reason, families or {_FAMILY[k] for k in reason.split("+")})

    def link(self, a: str, b: str, reason: str) -> None:
        """Join two accounts on evidence found outside `observe` (e.g. content_links); one path for every union."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb and link_evidence.allowed(self, ra, rb):  # an analyst's split holds against content links too
            self._union(a, b, reason)

    # -- observing accounts ------------------------------------------------------
    def keys_of(self, state: AccountState) -> list[tuple[tuple, str]]:
        """Combined link keys of an account, each with the reason it would give."""
        attributes = link_attributes(state, self.bucket_minutes, self.per_type)
        keys: list[tuple[tuple, str]] = []
        for kind in _ALONE & attributes.keys():
            keys.extend(((kind, value), kind) for value in attributes[kind])
        for kind_a, kind_b in itertools.combinations(sorted(attributes), 2):
            if frozenset({kind_a, kind_b}) in _EXCLUDED_PAIRS:
                continue
            for value_a in attributes[kind_a]:
                for value_b in attributes[kind_b]:
                    keys.append(((kind_a, value_a, kind_b, value_b), f"{kind_a}+{kind_b}"))
        return keys

    def observe(self, state: AccountState) -> None:
        account = state.account_id
        self.find(account)
        seen = self.seen_keys[account]
        for key, reason in self.keys_of(state):
            if key in seen:
                continue
            seen.add(key)
            other = self.owner.setdefault(key, account)
            if other != account:
                self._evidence(account, other, reason)

    def _evidence(self, a: str, b: str, reason: str) -> None:
        """Record one shared key between two groups; merge them once it adds up.

        One coincidence (a residential proxy in a customer's /24 using the same SDK) must not
        chain a whole campaign to an honest account, so groups merge only when the keys they
        share span MIN_FAMILIES independent families, or on a shared payment instrument.
        """
        ra, rb = self.find(a), self.find(b)
        if ra == rb or not link_evidence.allowed(self, ra, rb):
            return
        kinds = reason.split("+")
        if len(kinds) == 1 and kinds[0] in _ALONE:
            self._union(a, b, reason)
            return
        pair = (ra, rb) if ra < rb else (rb, ra)
        families = self.pending.setdefault(pair, set())
        families.update(_FAMILY[k] for k in kinds)
        if len(families) >= MIN_FAMILIES:
            self._union(a, b, reason, self.pending.pop(pair))

    # -- reading campaigns -----------------------------------------------------
    def campaigns(self, min_size: int = 2) -> dict[str, list[str]]:
        return {root: sorted(members) for root, members in self.members.items() if len(members) >= min_size}

    def campaign_of(self, account: str, min_size: int = 2) -> tuple[str, list[str]] | None:
        """The root and members of an account's campaign, or None when it stands alone."""
        root = self.find(account)
        members = self.members[root]
        return (root, members) if len(members) >= min_size else None

    def evidence(self, root: str) -> dict[str, Any]:
        root = self.find(root)
        return {"link_reasons": dict(self.reasons.get(root, {})),
                "sample_links": [{"a": a, "b": b, "shared": r} for a, b, r in self.edges.get(root, [])[:25]],
                **link_evidence.export(self, root)}


def probe_keys(state: AccountState, linker: CampaignLinker) -> list[tuple]:
    """The keys an account would link by, without linking it (for pre-forward checks)."""
    return [key for key, _ in linker.keys_of(state)]


def campaign_id_for(members: list[str]) -> str:
    """A stable, opaque id from the campaign's earliest member (no raw identifiers)."""
    return "camp-" + format(zlib.crc32(min(members).encode()), "08x")


def campaign_extras(members: list[AccountState], shared_orgs: frozenset | None = None) -> dict[str, float]:
    """Collective features only a group has: creation burst, declared organisations, size.

    A member declares an organisation when it holds an org id that other accounts hold too
    (`shared_orgs`); without that set, any org id counts."""
    created = sorted(s.created_at for s in members if s.created_at is not None)
    burst = 0
    left = 0
    for right in range(len(created)):
        while created[right] - created[left] > 86400:
            left += 1
        burst = max(burst, right - left + 1)
    return {
        "members": float(len(members)),
        "creation_burst_share": burst / len(members) if members else 0.0,
        "declared_org_share": sum(1 for s in members if s.orgs and (shared_orgs is None or not shared_orgs.isdisjoint(s.orgs)))
        / len(members) if members else 0.0,
    }
