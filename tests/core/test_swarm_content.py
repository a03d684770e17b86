"""Swarms without shared infrastructure: broad sybils, mutual neighbours, a group's shared prompts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np

from distillguard.events.model import parse_event
from distillguard.features.account import AccountState
from distillguard.features.content import ContentReference, local_alignment
from distillguard.features.text import prompt_features
from distillguard.linking.content_links import BROAD_MAX_REQUESTS, broad_small, content_edges

T0 = datetime(2026, 11, 2, tzinfo=timezone.utc)


def _state(account: str, prompts: list[str], temperature: float = 0.7) -> AccountState:
    state = AccountState(account)
    for i, prompt in enumerate(prompts):
        event = parse_event({
            "request_id": f"{account}-{i}", "ts": (T0 + timedelta(minutes=i)).isoformat(), "account_id": account, "ip": "10.0.0.1",
            "request": {"messages": [{"role": "user", "content": prompt}], "max_tokens": 2048, "temperature": temperature},
        })
        state.update(event, prompt_features(event.prompt_text), False, event.prompt_text)
    return state


def _with_vectors(account: str, vectors: np.ndarray) -> AccountState:
    state = AccountState(account)
    state.n = state.single_turn = len(vectors)
    state.completion_tokens = 600 * len(vectors)
    for vector in vectors:
        state.add_embedding(vector / np.linalg.norm(vector))
    return state


def test_the_same_prompt_from_two_members_is_shared_not_a_repeat():
    assignment = ["Write a function that reverses a linked list in place."] * 2
    a, b = _state("a", assignment[:1]), _state("b", assignment[1:])
    group = AccountState("group", members=0)
    group.merge(a)
    group.merge(b)
    features = group.features()
    assert features["near_dup_rate"] == 0.0  # nobody re-sampled an answer
    assert features["shared_prompt_rate"] == 0.5
    alone = _state("c", assignment)
    assert alone.features()["near_dup_rate"] == 0.5  # one account asking twice is a repeat


def test_broad_small_needs_breadth_and_a_persons_size():
    rng = np.random.default_rng(3)
    reference = ContentReference(typical_concentration=0.3)
    broad = _with_vectors("broad", rng.normal(size=(12, 256)))  # every prompt about something else
    assert broad_small(broad, reference, 300)
    dwelling = _with_vectors("dwell", rng.normal(size=(1, 256)).repeat(12, axis=0) + 0.1 * rng.normal(size=(12, 256)))
    assert not broad_small(dwelling, reference, 300)
    big = _with_vectors("big", rng.normal(size=(12, 256)))
    big.n = BROAD_MAX_REQUESTS + 1  # an app relaying many people's requests is broad by construction
    assert not broad_small(big, reference, 300)
    greedy = _with_vectors("greedy", rng.normal(size=(12, 256)))
    greedy.temperature_zero, greedy.n_sum = greedy.n, greedy.n  # an evaluation run
    assert not broad_small(greedy, reference, 300)


def test_content_edges_keep_only_mutual_neighbours():
    rng = np.random.default_rng(5)
    swarm_direction = rng.normal(size=256)
    swarm = [_with_vectors(f"s{i}", swarm_direction + 0.35 * np.linalg.norm(swarm_direction) / 16 * rng.normal(size=(10, 256)))
             for i in range(6)]
    # a person whose content leans toward the swarm: the swarm is its nearest, but it is no sybil's nearest
    person = _with_vectors("p", 0.6 * swarm_direction + 0.8 * np.linalg.norm(swarm_direction) * rng.normal(size=(10, 256)) / 16)
    reference = ContentReference(centre=np.zeros(256), typical_concentration=0.99)
    edges = content_edges(swarm + [person], reference, min_cosine=0.3, neighbours=5)
    joined = {a for edge in edges for a in edge[:2]}
    assert {s.account_id for s in swarm} <= joined
    assert "p" not in joined


def test_local_alignment_names_members_among_their_own_kind():
    rng = np.random.default_rng(7)
    one, two = rng.normal(size=64), rng.normal(size=64)
    vectors = {f"a{i}": one + 0.1 * rng.normal(size=64) for i in range(6)} | {f"b{i}": two + 0.1 * rng.normal(size=64) for i in range(6)}
    vectors = {k: v / np.linalg.norm(v) for k, v in vectors.items()}
    local = local_alignment(vectors)
    total = np.sum(list(vectors.values()), axis=0)
    mean = total / np.linalg.norm(total)
    assert min(local.values()) > 0.85  # two swarms joined into one group: each member still sits among its own
    assert max(float(v @ mean) for v in vectors.values()) < 0.8
