"""Swarms without shared infrastructure: accounts joined by what they ask, not where from.

Sybils that give each account its own residential IP, browser, time zone and card share
nothing the identity linker can see, but their prompts are one systematic sweep: in the
content space (features/embedding.py, centred on the population's median content) their
mean directions point the same way. Only harvest-shaped accounts take part (single-turn
requests with room for long answers, not greedy evaluation runs), so teams and chat users
whose content is merely alike are not joined, and only small accounts (a swarm spreads its
volume thin). Each account links to its nearest neighbours
above `min_cosine`; unions go through `CampaignLinker.link` with the reason "content".
"""

from __future__ import annotations

from typing import Iterable

import numpy as np

from distillguard.features.account import AccountState
from distillguard.features.content import MIN_EMBEDDED, ContentReference


def harvest_shaped(state: AccountState, reference: ContentReference | None = None, min_single_turn: float = 0.7) -> bool:
    """Single-turn, room for long answers, not greedy, and no declared organisation (a team is
    judged with its organisation; joining it to a swarm would chain the whole team in). Without a
    reference every organisation id counts as declared."""
    if state.orgs and (reference is None or reference.declares_org(state)):
        return False
    n = max(state.n, 1)
    long_answers = state.completion_tokens / n >= 300 or state.max_tokens_high / n >= 0.3 or state.n_sum / n > 1.2
    greedy = state.temperature_zero / n >= 0.5 and state.n_sum / n <= 1.05
    return state.single_turn / n >= min_single_turn and long_answers and not greedy


def content_edges(states: Iterable[AccountState], reference: ContentReference, min_cosine: float = 0.5, neighbours: int = 8,
                  max_requests: int = 300, block: int = 1024) -> list[tuple[str, str, float]]:
    """Pairs of small harvest-shaped accounts whose centred content directions agree (cosine ≥ min_cosine),
    each account keeping its `neighbours` closest. Exact, in blocks: O(candidates² · dim).

    Only accounts of at most `max_requests` take part: a swarm spreads its volume thin, while
    products relaying many people's requests (whose content is alike because people's is)
    are big accounts, judged on their own."""
    ids, vectors = [], []
    for state in states:
        if state.n > max_requests or not harvest_shaped(state, reference):
            continue
        vector = reference.centred(state)
        if vector is not None:
            ids.append(state.account_id)
            vectors.append(vector)
    if len(ids) < 2:
        return []
    matrix = np.asarray(vectors, dtype=np.float32)
    k = min(neighbours, len(ids) - 1)
    edges = []
    for start in range(0, len(ids), block):
        sims = matrix[start : start + block] @ matrix.T
        for row in range(sims.shape[0]):
            sims[row, start + row] = -1.0
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k] if k < len(ids) else np.tile(np.arange(len(ids)), (sims.shape[0], 1))
        for row in range(sims.shape[0]):
            for column in top[row]:
                value = float(sims[row, column])
                if value >= min_cosine:
                    edges.append((ids[start + row], ids[int(column)], value))
    return edges


class ContentIndex:
    """Online: the candidates' centred directions as of the last full pass, so an account that has
    just become judgeable links to its swarm at once instead of waiting for the next refit."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.rows: dict[str, int] = {}
        self.matrix = np.zeros((0, 0), dtype=np.float32)
        self.groups: list[tuple[str, np.ndarray]] = []  # (a member, unit mean direction) of each content group
        self.others = np.zeros((0, 0), dtype=np.float32)  # everyone else's directions: what ordinary content looks like

    def rebuild(self, states: Iterable[AccountState], reference: ContentReference, max_requests: int,
                group_of: dict[str, str] | None = None) -> None:
        ids, vectors, others = [], [], []
        for state in states:
            vector = reference.centred(state)
            if vector is None:
                continue
            if state.n <= max_requests and harvest_shaped(state, reference):
                ids.append(state.account_id)
                vectors.append(vector)
            else:
                others.append(vector)
        self.others = np.asarray(others, dtype=np.float32) if others else np.zeros((0, 0), dtype=np.float32)
        self.ids, self.rows = ids, {a: i for i, a in enumerate(ids)}
        self.matrix = np.asarray(vectors, dtype=np.float32) if vectors else np.zeros((0, 0), dtype=np.float32)
        members: dict[str, list[int]] = {}
        for row, account in enumerate(ids):
            root = (group_of or {}).get(account)
            if root is not None:
                members.setdefault(root, []).append(row)
        self.groups = []
        for rows in members.values():
            if len(rows) >= 5:
                mean = self.matrix[rows].mean(axis=0)
                norm = float(np.linalg.norm(mean))
                if norm > 1e-6:
                    self.groups.append((ids[rows[0]], mean / norm))

    def early_group_of(self, state: AccountState, reference: ContentReference, min_cosine: float, min_embedded: int = 3) -> str | None:
        """A swarm member on its first few prompts: too few to compare with single accounts, enough to
        compare with a group's mean direction, which is known precisely."""
        if not self.groups or state.emb_n < min_embedded or state.emb_n >= MIN_EMBEDDED:
            return None
        if not harvest_shaped(state, reference):
            return None
        centroid = state.centroid()
        if centroid is None:
            return None
        direction = centroid - reference.centre
        norm = float(np.linalg.norm(direction))
        if norm < 1e-9:
            return None
        direction = (direction / norm).astype(np.float32)
        best, best_cosine = None, min_cosine
        for member, mean in self.groups:
            if mean.shape[0] == direction.shape[0]:
                cosine = float(mean @ direction)
                if cosine >= best_cosine:
                    best, best_cosine = member, cosine
        return best

    def neighbours_of(self, state: AccountState, reference: ContentReference, min_cosine: float, k: int,
                      max_requests: int) -> list[tuple[str, float]]:
        if state.n > max_requests or not harvest_shaped(state, reference) or self.matrix.size == 0:
            return []
        vector = reference.centred(state)
        if vector is None or vector.shape[0] != self.matrix.shape[1]:
            return []
        sims = self.matrix @ vector.astype(np.float32)
        own = self.rows.get(state.account_id)
        if own is not None:
            sims[own] = -1.0
        order = np.argsort(-sims)[:k]
        return [(self.ids[i], float(sims[i])) for i in order if sims[i] >= min_cosine]


def outside_alignment(direction: np.ndarray | None, others: np.ndarray, k: int = 10) -> float:
    """How well the accounts outside the swarm candidates (people chatting, teams, apps) match a
    group's direction: the mean cosine of the `k` closest. A group whose content is what many
    ordinary accounts send (apps relaying people's requests) is no sweep, however alike."""
    if direction is None or others.size == 0 or others.shape[1] != direction.shape[0]:
        return 0.0
    sims = others @ direction.astype(np.float32)
    k = min(k, sims.size)
    return float(np.mean(np.partition(sims, sims.size - k)[-k:]))
