"""Content judged against the provider's own population, in the embedding space.

`ContentReference` learns, from every account's mean prompt embedding, where ordinary
content sits (a robust centre: the coordinate-wise median, which a campaign of a tenth of
the accounts cannot move) and how alike two unrelated accounts' content usually is (a high
quantile of the cosine between random pairs, after centring). A group of accounts whose
content is far more alike than that is one sweep split across accounts, whatever its IPs,
clients and payment say. Fitted in `DetectionEngine.fit` (batch) and on the online
scorer's refit schedule, and pickled with the engine, so a gateway warm-starts from it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np

from distillguard.features.account import AccountState
from distillguard.features.embedding import DIM

MIN_EMBEDDED = 8  # an account's centroid says little before this many prompts were embedded


def shared_orgs(states: Iterable[AccountState]) -> frozenset:
    """Organisation ids that two or more accounts hold."""
    seen: set = set()
    shared: set = set()
    for state in states:
        for org in state.orgs:
            (shared if org in seen else seen).add(org)
    return frozenset(shared)


def _unit(vector: np.ndarray) -> np.ndarray | None:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 1e-9 else None


@dataclass
class ContentReference:
    centre: np.ndarray = field(default_factory=lambda: np.zeros(DIM))
    null_cosine: float = 0.5  # high quantile of centred cosine between unrelated accounts
    accounts: int = 0
    shared_orgs: frozenset | set = frozenset()  # organisation ids held by two or more accounts: declared teams
    typical_concentration: float | None = None  # the median account's mean cosine between two of its own prompts
    # The same likeness between unrelated accounts, uncentred (the 90th and 95th percentiles). Broad accounts are
    # compared uncentred: a sweep's sybils share the mixture of their task grid, and the population's median
    # account (mostly chat) is the part that taking the centre away would leave them with.
    raw_null_cosine: float = 1.0
    raw_link_cosine: float = 1.0

    def declares_org(self, state: AccountState) -> bool:
        """The account belongs to an organisation it shares with other accounts. Many providers give every
        account its own default organisation id: one that no other account holds declares nothing."""
        return not getattr(self, "shared_orgs", frozenset()).isdisjoint(state.orgs) if state.orgs else False

    @classmethod
    def fit(cls, states: Iterable[AccountState], quantile: float = 0.9, pairs: int = 4000, seed: int = 20261201) -> "ContentReference":
        states = list(states)
        shared = shared_orgs(states)
        centroids = [s.centroid() for s in states if s.emb_n >= MIN_EMBEDDED]
        centroids = [c for c in centroids if c is not None]
        if len(centroids) < 20:
            return cls(accounts=len(centroids), shared_orgs=shared)
        matrix = np.asarray(centroids)
        centre = np.median(matrix, axis=0)
        units = matrix - centre
        norms = np.linalg.norm(units, axis=1, keepdims=True)
        units = units / np.maximum(norms, 1e-9)
        rng = random.Random(seed)
        n = len(units)
        left = np.fromiter((rng.randrange(n) for _ in range(pairs)), dtype=np.int64, count=pairs)
        right = np.fromiter((rng.randrange(n) for _ in range(pairs)), dtype=np.int64, count=pairs)
        keep = left != right
        cosines = np.einsum("ij,ij->i", units[left[keep]], units[right[keep]])
        concentrations = [c for c in (s.content_concentration() for s in states if s.emb_n >= MIN_EMBEDDED) if c > -1.0]
        raw = matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)
        raw_cosines = np.einsum("ij,ij->i", raw[left[keep]], raw[right[keep]])
        return cls(centre=centre, null_cosine=float(np.quantile(cosines, quantile)), accounts=n, shared_orgs=shared,
                   typical_concentration=float(np.median(concentrations)) if concentrations else None,
                   raw_null_cosine=float(np.quantile(raw_cosines, quantile)), raw_link_cosine=float(np.quantile(raw_cosines, 0.95)))

    @staticmethod
    def uncentred(state: AccountState) -> np.ndarray | None:
        """Unit vector of the account's mean prompt embedding, as it is."""
        centroid = state.centroid() if state.emb_n >= MIN_EMBEDDED else None
        return None if centroid is None else _unit(centroid)

    def broad(self, state: AccountState, relative: float = 0.65) -> bool:
        """The account's prompts are far less alike than the typical account's: it never dwells on a subject.
        People come back to a few subjects; each sybil of a capability sweep gets a slice of a task grid."""
        typical = getattr(self, "typical_concentration", None)
        if not typical or typical <= 0 or state.emb_n < MIN_EMBEDDED:
            return False
        concentration = state.content_concentration()
        return -1.0 < concentration <= relative * typical

    def centred(self, state: AccountState) -> np.ndarray | None:
        """Unit vector of the account's content relative to the population's centre."""
        centroid = state.centroid() if state.emb_n >= MIN_EMBEDDED else None
        return None if centroid is None else _unit(centroid - self.centre)

    def group_cohesion(self, states: list[AccountState]) -> dict[str, Any]:
        """How alike the members' content is, and how much each member shares the group's direction.

        Cohesion is the mean pairwise cosine of the members' centred centroids, computed from
        their sum in O(members); `attribution` is each member's cosine with the other members'
        mean direction, which names the accounts that drive the group's score.
        """
        vectors = {s.account_id: self.centred(s) for s in states}
        vectors = {k: v for k, v in vectors.items() if v is not None}
        m = len(vectors)
        if m < 2:
            return {"content_cohesion": 0.0, "content_members": float(m), "content_null_cosine": self.null_cosine, "content_alignment": 0.0,
                    "attribution": {}, "direction": None, "local_attribution": {}, **self.uncentred_cohesion(states)}
        total = np.sum(list(vectors.values()), axis=0)
        cohesion = (float(total @ total) - m) / (m * (m - 1))
        direction = _unit(total)
        attribution = {}
        for account, vector in vectors.items():
            others = _unit(total - vector)
            attribution[account] = round(float(vector @ others), 4) if others is not None else 0.0
        return {"content_cohesion": cohesion, "content_members": float(m), "content_null_cosine": self.null_cosine,
                "content_alignment": float(np.mean(list(attribution.values()))), "attribution": attribution, "direction": direction,
                "local_attribution": local_alignment(vectors), **self.uncentred_cohesion(states)}

    def uncentred_cohesion(self, states: list[AccountState]) -> dict[str, Any]:
        """The members' likeness uncentred (mean pairwise cosine), against unrelated accounts' (`raw_null_cosine`),
        and each member's mean cosine with its closest fellow members: how a broad swarm is judged."""
        vectors = {s.account_id: self.uncentred(s) for s in states}
        vectors = {k: v for k, v in vectors.items() if v is not None}
        m = len(vectors)
        if m < 2:
            return {"raw_cohesion": 0.0, "raw_null_cosine": getattr(self, "raw_null_cosine", 1.0), "raw_local_attribution": {}}
        total = np.sum(list(vectors.values()), axis=0)
        return {"raw_cohesion": (float(total @ total) - m) / (m * (m - 1)), "raw_null_cosine": getattr(self, "raw_null_cosine", 1.0),
                "raw_local_attribution": local_alignment(vectors)}


LOCAL_NEIGHBOURS = 5
LOCAL_MAX_MEMBERS = 5000  # the members' pairwise matrix is built whole; past this, no local attribution


def local_alignment(vectors: dict[str, np.ndarray], k: int = LOCAL_NEIGHBOURS) -> dict[str, float]:
    """Each member's mean cosine with its `k` most alike fellow members. Two swarms joined by one shared
    wrapper phrase have a mean direction that neither points along; a sybil still sits among its own."""
    if len(vectors) < 2 or len(vectors) > LOCAL_MAX_MEMBERS:
        return {}
    ids = list(vectors)
    matrix = np.asarray([vectors[a] for a in ids], dtype=np.float32)
    sims = matrix @ matrix.T
    np.fill_diagonal(sims, -np.inf)
    k = min(k, len(ids) - 1)
    top = -np.partition(-sims, k - 1, axis=1)[:, :k]
    return {a: round(float(v), 4) for a, v in zip(ids, top.mean(axis=1))}
