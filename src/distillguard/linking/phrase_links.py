"""Swarms joined by the phrases of their templates, not by the average of their content.

A capability sweep split over many fresh accounts gives each one a handful of prompts on
different topics: each account's mean content direction is close to everyone's, so the
centroid comparison (content_links.py) sees little. What the sybils do share is the fixed
wording of the sweep's templates ("describe how our understanding of … developed over time"),
whatever topic, wrapper or language fills them. Each account keeps a hash-sampled set of the
character 16-grams of its first prompts (`AccountState.phrases`); a phrase counts as a swarm
phrase when two or more harvest-shaped small accounts use it and no other account does (what
ordinary accounts write is no template of a sweep). Two candidates that share at least
`min_shared` swarm phrases are joined. This runs on the full passes only (batch, and the online
scorer's refits), where the background is the whole population seen so far: matching one young
account's first prompts against it joined too many people to swarms whose corpus they share.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

import numpy as np
from scipy import sparse

from distillguard.features.account import AccountState
from distillguard.features.content import ContentReference
from distillguard.linking.content_links import harvest_shaped

MIN_SHARED = 3
# A sybil filling templates has a good share of its phrases in the swarm set; a person or an app relaying
# people's words has almost none, even when a topic's name or a stock phrase is shared.
MIN_SWARM_SHARE = 0.06
MIN_PROMPTS = 3  # an account with one or two prompts shares a public prompt by chance more often than a template
MIN_BACKGROUND = 50  # accounts outside the candidates needed before "no ordinary account writes it" means anything


def _candidates(states: Iterable[AccountState], reference: ContentReference, max_requests: int) -> tuple[list[AccountState], np.ndarray, int]:
    """Harvest-shaped small accounts, every phrase the other accounts use (the background), and how many
    accounts the background comes from."""
    candidates, background = [], []
    for state in states:
        if not state.phrases or state.n < MIN_PROMPTS:
            continue
        if state.n <= max_requests and harvest_shaped(state, reference):
            candidates.append(state)
        else:
            background.append(np.fromiter(state.phrases, dtype=np.uint32, count=len(state.phrases)))
    return candidates, (np.unique(np.concatenate(background)) if background else np.zeros(0, dtype=np.uint32)), len(background)


def swarm_phrases(states: Iterable[AccountState], reference: ContentReference, max_requests: int = 300,
                  min_shared: int = MIN_SHARED, neighbours: int = 8) -> tuple[list[tuple[str, str, int]], set[int]]:
    """(edges between candidates sharing at least `min_shared` swarm phrases, each keeping its
    `neighbours` strongest; the set of swarm phrases)."""
    candidates, background, background_accounts = _candidates(states, reference, max_requests)
    if len(candidates) < 2 or background_accounts < MIN_BACKGROUND:
        return [], set()
    rows, cols = [], []
    for row, state in enumerate(candidates):
        keys = np.fromiter(state.phrases, dtype=np.uint32, count=len(state.phrases))
        keys = keys[~np.isin(keys, background, assume_unique=False)]
        rows.extend([row] * keys.size)
        cols.extend(keys.tolist())
    if not cols:
        return [], set()
    rows_array = np.asarray(rows)
    phrases, column = np.unique(np.asarray(cols, dtype=np.uint32), return_inverse=True)
    counts = np.bincount(column, minlength=phrases.size)
    keep = counts[column] >= 2
    in_swarm = np.bincount(rows_array[keep], minlength=len(candidates))
    sizes = np.asarray([len(s.phrases) for s in candidates])
    keep &= (in_swarm / np.maximum(sizes, 1) >= MIN_SWARM_SHARE)[rows_array]
    matrix = sparse.csr_matrix((np.ones(int(keep.sum()), dtype=np.int32), (rows_array[keep], column[keep])),
                               shape=(len(candidates), phrases.size))
    shared = (matrix @ matrix.T).tocoo()
    best: dict[int, list[tuple[int, int]]] = {}
    for a, b, count in zip(shared.row, shared.col, shared.data):
        if a < b and count >= min_shared:
            best.setdefault(int(a), []).append((int(count), int(b)))
            best.setdefault(int(b), []).append((int(count), int(a)))
    edges = set()
    for a, found in best.items():
        for count, b in sorted(found, reverse=True)[:neighbours]:
            edges.add((min(a, b), max(a, b), count))
    out = [(candidates[a].account_id, candidates[b].account_id, count) for a, b, count in sorted(edges)]
    return out, {int(p) for p in phrases[counts >= 2]}


def phrase_sharing(states: list[AccountState], swarm: set[int], min_shared: int = MIN_SHARED) -> tuple[float, set[str]]:
    """(share of a group's members, among those with phrases, that hold at least `min_shared` swarm phrases
    also held by another member; those members). The group's collective evidence that it fills one set
    of templates, and the accounts that carry it."""
    holders = [s for s in states if s.phrases and s.n >= MIN_PROMPTS]
    if len(holders) < 2 or not swarm:
        return 0.0, set()
    mine = [s.phrases & swarm if len(s.phrases & swarm) >= MIN_SWARM_SHARE * len(s.phrases) else set() for s in holders]
    usage = Counter(p for phrases in mine for p in phrases)
    sharing = {s.account_id for s, phrases in zip(holders, mine) if sum(1 for p in phrases if usage[p] >= 2) >= min_shared}
    return len(sharing) / len(holders), sharing
