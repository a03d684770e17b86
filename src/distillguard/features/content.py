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
        return cls(centre=centre, null_cosine=float(np.quantile(cosines, quantile)), accounts=n, shared_orgs=shared)

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
                    "attribution": {}, "direction": None}
        total = np.sum(list(vectors.values()), axis=0)
        cohesion = (float(total @ total) - m) / (m * (m - 1))
        direction = _unit(total)
        attribution = {}
        for account, vector in vectors.items():
            others = _unit(total - vector)
            attribution[account] = round(float(vector @ others), 4) if others is not None else 0.0
        return {"content_cohesion": cohesion, "content_members": float(m), "content_null_cosine": self.null_cosine,
                "content_alignment": float(np.mean(list(attribution.values()))), "attribution": attribution, "direction": direction}
