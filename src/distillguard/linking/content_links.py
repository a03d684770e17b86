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


BROAD_MAX_REQUESTS = 150  # a person's size: past it, breadth is what an app relaying many people's requests has


def broad_small(state: AccountState, reference: ContentReference, max_requests: int) -> bool:
    """A person-sized account far broader than the typical one, not greedy, not a declared team's: how each sybil
    of a capability sweep looks, whatever its cover chat and answer lengths (which the harvest shape would need).
    Alone this is what people who wander look like too; a swarm is many of them pointing one way. A tutoring or
    writing app relaying many people's requests is broad by construction, and bigger."""
    if state.n > min(max_requests, BROAD_MAX_REQUESTS) or (state.orgs and reference.declares_org(state)):
        return False
    n = max(state.n, 1)
    if state.temperature_zero / n >= 0.5 and state.n_sum / n <= 1.05:
        return False
    return reference.broad(state)


def swarm_candidate(state: AccountState, reference: ContentReference, max_requests: int) -> bool:
    """Accounts that take part in content linking: small and harvest-shaped, or small and broad."""
    if state.n > max_requests:
        return False
    return harvest_shaped(state, reference) or broad_small(state, reference, max_requests)


def _vectors_of(states: Iterable[AccountState], selected, vector_of) -> tuple[list[str], list[np.ndarray]]:
    """(ids, vectors) of the selected accounts that have a content vector."""
    ids, vectors = [], []
    for state in states:
        if selected(state):
            vector = vector_of(state)
            if vector is not None:
                ids.append(state.account_id)
                vectors.append(vector)
    return ids, vectors


def content_edges(states: Iterable[AccountState], reference: ContentReference, min_cosine: float = 0.5, neighbours: int = 8,
                  max_requests: int = 300, block: int = 1024, kth_out: dict[str, float] | None = None) -> list[tuple[str, str, float]]:
    """Pairs of small swarm candidates whose centred content directions agree (cosine ≥ min_cosine) and that
    are each among the other's `neighbours` closest. Exact, in blocks: O(candidates² · dim).

    Only accounts of at most `max_requests` take part: a swarm spreads its volume thin, while
    products relaying many people's requests (whose content is alike because people's is)
    are big accounts, judged on their own. Mutual neighbours keep one swarm one group: a sybil's
    closest accounts are its fellow sybils, so a person who happens to ask what a swarm asks,
    or a second swarm, is not chained in through a single one-sided edge.
    `kth_out` receives each candidate's similarity to its `neighbours`-th closest (the online
    scorer's bar for joining it later)."""
    ids, vectors = _vectors_of(states, lambda state: swarm_candidate(state, reference, max_requests), reference.centred)
    if len(ids) < 2:
        return []
    matrix = np.asarray(vectors, dtype=np.float32)
    k = min(neighbours, len(ids) - 1)
    nearest: list[set[int]] = []
    kth = np.empty(len(ids), dtype=np.float32)
    sims_of: dict[tuple[int, int], float] = {}
    for start in range(0, len(ids), block):
        sims = matrix[start : start + block] @ matrix.T
        for row in range(sims.shape[0]):
            sims[row, start + row] = -1.0
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        for row in range(sims.shape[0]):
            chosen = {int(c) for c in top[row] if sims[row, c] >= min_cosine}
            nearest.append(chosen)
            kth[start + row] = float(np.min(sims[row, top[row]]))
            for column in chosen:
                sims_of[(start + row, column)] = float(sims[row, column])
    if kth_out is not None:
        kth_out.update(zip(ids, kth.tolist()))
    return [(ids[a], ids[b], value) for (a, b), value in sims_of.items() if a < b and a in nearest[b]]


def broad_edges(states: Iterable[AccountState], reference: ContentReference, max_requests: int = 300,
                neighbours: int = 8) -> list[tuple[str, str, float]]:
    """Pairs of broad person-sized accounts (`broad_small`) that are each among the other's `neighbours` most
    alike, uncentred, and more alike than 95% of unrelated accounts' pairs (`raw_link_cosine`).

    Each sybil of a capability sweep asks about something else every time, so its mean content is the
    mixture of the sweep's task grid, which its fellow sybils share; people who wander each wander their
    own way. Centring on the population's median account would take that shared mixture away."""
    bar = getattr(reference, "raw_link_cosine", 1.0)
    # harvest-shaped accounts are joined on their centred content already (content_edges); joining them
    # here too would chain a template harvest's sybils into a capability sweep's
    ids, vectors = _vectors_of(states, lambda state: broad_small(state, reference, max_requests) and not harvest_shaped(state, reference),
                               reference.uncentred)
    if len(ids) < 2:
        return []
    matrix = np.asarray(vectors, dtype=np.float32)
    sims = matrix @ matrix.T
    np.fill_diagonal(sims, -1.0)
    k = min(neighbours, len(ids) - 1)
    top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    nearest = [{int(c) for c in top[row] if sims[row, c] >= bar} for row in range(len(ids))]
    return [(ids[a], ids[b], float(sims[a, b])) for a in range(len(ids)) for b in nearest[a] if a < b and a in nearest[b]]


class ContentIndex:
    """Online: the candidates' centred directions as of the last full pass, so an account that has
    just become judgeable links to its swarm at once instead of waiting for the next refit."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.rows: dict[str, int] = {}
        self.matrix = np.zeros((0, 0), dtype=np.float32)
        self.groups: list[tuple[str, np.ndarray]] = []  # (a member, unit mean direction) of each content group
        self.others = np.zeros((0, 0), dtype=np.float32)  # everyone else's directions: what ordinary content looks like
        self.kth = np.zeros(0, dtype=np.float32)  # each candidate's similarity to its last kept neighbour

    def rebuild(self, states: Iterable[AccountState], reference: ContentReference, max_requests: int,
                group_of: dict[str, str] | None = None, kth: dict[str, float] | None = None) -> None:
        ids, vectors, others = [], [], []
        for state in states:
            vector = reference.centred(state)
            if vector is None:
                continue
            if swarm_candidate(state, reference, max_requests):
                ids.append(state.account_id)
                vectors.append(vector)
            else:
                others.append(vector)
        self.others = np.asarray(others, dtype=np.float32) if others else np.zeros((0, 0), dtype=np.float32)
        self.ids, self.rows = ids, {a: i for i, a in enumerate(ids)}
        self.kth = np.asarray([(kth or {}).get(a, -1.0) for a in ids], dtype=np.float32)
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
        if self.matrix.size == 0 or not swarm_candidate(state, reference, max_requests):
            return []
        vector = reference.centred(state)
        if vector is None or vector.shape[0] != self.matrix.shape[1]:
            return []
        sims = self.matrix @ vector.astype(np.float32)
        own = self.rows.get(state.account_id)
        if own is not None:
            sims[own] = -1.0
        order = np.argsort(-sims)[:k]
        bar = getattr(self, "kth", None)  # mutual: the newcomer must also be among the candidate's closest
        if bar is None or bar.shape[0] != sims.shape[0]:
            bar = np.full(sims.shape[0], -1.0, dtype=np.float32)
        return [(self.ids[i], float(sims[i])) for i in order if sims[i] >= min_cosine and sims[i] >= bar[i]]


def outside_alignment(direction: np.ndarray | None, others: np.ndarray, k: int = 10) -> float:
    """How well the accounts outside the swarm candidates (people chatting, teams, apps) match a
    group's direction: the mean cosine of the `k` closest. A group whose content is what many
    ordinary accounts send (apps relaying people's requests) is no sweep, however alike."""
    if direction is None or others.size == 0 or others.shape[1] != direction.shape[0]:
        return 0.0
    sims = others @ direction.astype(np.float32)
    k = min(k, sims.size)
    return float(np.mean(np.partition(sims, sims.size - k)[-k:]))
