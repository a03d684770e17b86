"""`intel_match`: the detector that turns peers' intelligence into local findings.

It watches every event (`observe`), hashes the event's identifiers and MinHashes
its prompt under the consortium keys the loaded intel uses, and counts matches
per account. Intel can arrive after traffic: loading a bundle re-checks the
identifiers and the last few prompts remembered per account, so an account
already active when the warning lands is caught at once.

Scores combine as independent evidence, 1 - prod(1 - w): a shared payment
fingerprint alone is near-conclusive; a /24 prefix or a user agent alone is not.
Evidence names peer indicators and counts only; nothing of the peer's data.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any, ClassVar, Mapping

from distillguard.detectors.base import Detector, Finding
from distillguard.intel.keys import Keyring, event_identifiers
from distillguard.intel.signatures import SignatureHasher, SignatureIndex, shingles
from distillguard.intel.validate import IntelPackage

# Weight of one matching identifier kind (independent evidence).
DEFAULT_WEIGHTS = {
    "payment_fingerprint": 0.9,
    "ip": 0.5,
    "email_domain": 0.5,
    "ip_prefix": 0.25,
    "user_agent": 0.15,
}


@dataclass
class _Account:
    requests: int = 0
    prompts: int = 0
    tokens: set = field(default_factory=set)  # normalised (kind, value), stays local
    recent: deque = field(default_factory=lambda: deque(maxlen=16))  # (shingle set size, {kid: minhash})
    id_hits: dict = field(default_factory=dict)  # kind -> Counter(indicator id -> requests)
    sig_hits: Counter = field(default_factory=Counter)  # indicator id -> prompts
    prompts_matched: int = 0
    prompts_checked: int = 0  # prompts compared with at least one loaded signature
    peers: set = field(default_factory=set)
    campaigns: set = field(default_factory=set)
    first_match_request: int | None = None


class IntelMatchDetector(Detector):
    """Matches local traffic against peers' shared indicators and prompt signatures."""

    name: ClassVar[str] = "intel_match"
    atlas: ClassVar[str | None] = "AML.T0024.002"
    description: ClassVar[str] = "Traffic matching extraction campaigns shared by peer providers (keyed identifiers, prompt signatures)."
    # Weight in the scan's risk combination (1 - prod(1 - weight * score)): with the default flag
    # threshold of 0.5, intel alone flags an account at a score of about 0.83, in line with the
    # 0.8 block threshold used when the gateway acts on intel directly.
    weight: ClassVar[float] = 0.6

    def __init__(
        self,
        keyring: Keyring,
        block_threshold: float = 0.8,
        weights: Mapping[str, float] | None = None,
        max_tokens_per_account: int = 64,
        **params: Any,
    ) -> None:
        super().__init__(block_threshold=block_threshold, **params)
        self.keyring = keyring
        self.block_threshold = block_threshold
        self.weights = dict(DEFAULT_WEIGHTS, **(weights or {}))
        self.max_tokens = max_tokens_per_account
        self.accounts: dict[str, _Account] = {}
        self.identifiers: dict[tuple[str, str], list] = {}  # (kid, hmac) -> [(indicator, publisher)]
        self.indexes: dict[str, SignatureIndex] = {}  # kid -> index
        self.peer_names: dict[str, str] = {}
        self.packages = 0
        self.unknown_kids: Counter = Counter()
        self._hash_cache: dict[tuple[str, str, str], str] = {}
        self._loaded_ids: set[str] = set()

    # -- loading intel ---------------------------------------------------------
    def load(self, package: IntelPackage) -> dict[str, int]:
        """Add a validated peer package; re-check accounts already seen. Returns counts."""
        self.packages += 1
        self.peer_names[package.publisher] = package.publisher_name
        added = Counter()
        for ind in package.identifiers:
            if ind.id in self._loaded_ids:  # a newer version of a bundle we already hold
                added["already_loaded"] += 1
                continue
            if not self.keyring.knows_identifier_kid(ind.kid):
                self.unknown_kids[ind.kid] += 1
                added["unknown_kid"] += 1
                continue
            self.identifiers.setdefault((ind.kid, ind.hmac), []).append((ind, package.publisher))
            self._loaded_ids.add(ind.id)
            added["identifiers"] += 1
        for ind in package.signatures:
            if ind.id in self._loaded_ids:
                added["already_loaded"] += 1
                continue
            kid = ind.signature.kid
            if kid not in self.keyring.keys:
                self.unknown_kids[kid] += 1
                added["unknown_kid"] += 1
                continue
            if kid not in self.indexes:
                self.indexes[kid] = SignatureIndex(SignatureHasher(self.keyring.key(kid), kid))
            self.indexes[kid].add(ind.signature, (ind, package.publisher))
            self._loaded_ids.add(ind.id)
            added["signatures"] += 1
        for state in self.accounts.values():
            self._recheck(state)
        return dict(added)

    def _kids(self) -> set[str]:
        return {kid for kid, _ in self.identifiers} | set(self.indexes)

    def _hash(self, kid: str, kind: str, value: str) -> str:
        key = (kid, kind, value)
        digest = self._hash_cache.get(key)
        if digest is None:
            if len(self._hash_cache) > 500_000:
                self._hash_cache.clear()
            digest = self._hash_cache[key] = self.keyring.identifier_hex(kind, value, kid)
        return digest

    # -- watching traffic --------------------------------------------------------
    def observe(self, event: Any) -> None:
        state = self.accounts.get(event.account_id)
        if state is None:
            state = self.accounts[event.account_id] = _Account()
        state.requests += 1
        tokens = event_identifiers(event)
        for tok in tokens:
            if len(state.tokens) < self.max_tokens:
                state.tokens.add(tok)
        kids = self._kids()
        for kid in kids:
            for kind, value in tokens:
                self._id_match(state, kid, kind, value, 1)
        text = event.prompt_text
        if text:
            state.prompts += 1
            sh = shingles(text)
            if sh:
                # Remember MinHashes under every kid we hold, so later intel can be checked retroactively.
                hashes = {}
                for kid in self.keyring.keys:
                    index = self.indexes.get(kid)
                    if index is None:
                        index = self.indexes[kid] = SignatureIndex(SignatureHasher(self.keyring.key(kid), kid))
                    hashes[kid] = index.hasher.minhash(sh)
                state.recent.append((len(sh), hashes))
                self._sig_match(state, len(sh), hashes)

    def _id_match(self, state: _Account, kid: str, kind: str, value: str, count: int) -> None:
        for ind, publisher in self.identifiers.get((kid, self._hash(kid, kind, value)), ()):
            if ind.kind != kind:
                continue
            state.id_hits.setdefault(kind, Counter())[ind.id] += count
            self._note(state, publisher, ind.campaigns)

    def _sig_match(self, state: _Account, size: int, hashes: dict) -> None:
        hit = checked = False
        for kid, mh in hashes.items():
            index = self.indexes.get(kid)
            if index is None or not len(index):
                continue
            checked = True
            for ind, publisher in index.match(mh, size):
                state.sig_hits[ind.id] += 1
                self._note(state, publisher, ind.campaigns)
                hit = True
        state.prompts_checked += checked
        if hit:
            state.prompts_matched += 1

    def _note(self, state: _Account, publisher: str, campaigns) -> None:
        state.peers.add(publisher)
        state.campaigns.update(campaigns)
        if state.first_match_request is None:
            state.first_match_request = state.requests

    def _recheck(self, state: _Account) -> None:
        state.id_hits.clear()
        state.sig_hits.clear()
        state.prompts_matched = 0
        state.prompts_checked = 0
        for kid in self._kids():
            for kind, value in state.tokens:
                self._id_match(state, kid, kind, value, 1)
        for size, hashes in state.recent:
            self._sig_match(state, size, hashes)

    # -- verdicts ------------------------------------------------------------------
    def score(self, account_id: str) -> float:
        state = self.accounts.get(account_id)
        return self._score(state) if state else 0.0

    def _score(self, state: _Account) -> float:
        miss = 1.0
        kinds = {kind for kind, hits in state.id_hits.items() if hits}
        if "ip" in kinds:
            kinds.discard("ip_prefix")  # the same address's range: not independent evidence
        for kind in kinds:
            miss *= 1.0 - self.weights.get(kind, 0.0)
        m = state.prompts_matched
        if m:
            share = m / max(1, state.prompts_checked)
            strength = 0.95 if share >= 0.2 else 0.3
            miss *= 1.0 - strength * (1.0 - math.exp(-m / 2.0))
        return 1.0 - miss

    def is_blocked(self, account_id: str) -> bool:
        return self.score(account_id) >= self.block_threshold

    def score_account(self, account_id: str, features: Mapping[str, Any] | None = None) -> Finding | None:
        state = self.accounts.get(account_id)
        if state is None or (not state.id_hits and not state.prompts_matched):
            return None
        score = self._score(state)
        evidence = {
            "peers": sorted(self.peer_names.get(p, p) for p in state.peers),
            "peer_identities": sorted(state.peers),
            "peer_campaigns": sorted(state.campaigns),
            "identifier_matches": {
                kind: {"indicators": sorted(hits)[:10], "requests": sum(hits.values())}
                for kind, hits in sorted(state.id_hits.items())
                if hits
            },
            "signature_matches": {
                "indicators": [i for i, _ in state.sig_hits.most_common(10)],
                "prompts_matched": state.prompts_matched,
                "prompts_seen": state.prompts,
            },
            "requests_seen": state.requests,
            "blocked": score >= self.block_threshold,
        }
        kinds = ", ".join(sorted(evidence["identifier_matches"])) or "no identifiers"
        summary = (
            f"Matches intelligence shared by {', '.join(evidence['peers'])}: {kinds}; "
            f"{state.prompts_matched} of {state.prompts} prompts match shared campaign signatures."
        )
        return self.finding(score, evidence, summary)
