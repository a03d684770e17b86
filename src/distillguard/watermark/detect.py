"""Detection: an exact binomial test on de-duplicated (context, token) pairs.

Without the watermark, each distinct (context, token) pair is a fresh draw of the
keyed hash, so its successes are Binomial(trials, p_null) and independent of other
distinct pairs. Repeated pairs (loops, boilerplate) would break independence, so
each pair is scored once. The p-value is the exact binomial upper tail, valid for
any length; `z` is reported only as a familiar summary.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Iterable

import numpy as np
from scipy.stats import binom

from distillguard.watermark.hashing import windows


@dataclass(frozen=True)
class Detection:
    p_value: float
    tokens_scored: int
    score: float  # fraction of successes: green fraction (KGW) or mean g-value (tournament)
    z: float
    hits: int
    trials: int

    def as_dict(self) -> dict:
        return asdict(self)


def binomial_test(hits: int, trials: int, p_null: float, tokens_scored: int) -> Detection:
    if trials == 0:
        return Detection(1.0, 0, 0.0, 0.0, 0, 0)
    p_value = float(binom.sf(hits - 1, trials, p_null))
    sd = math.sqrt(trials * p_null * (1 - p_null))
    return Detection(
        p_value=min(max(p_value, 0.0), 1.0),
        tokens_scored=tokens_scored,
        score=hits / trials,
        z=(hits - trials * p_null) / sd,
        hits=int(hits),
        trials=int(trials),
    )


def unique_pairs(contexts: np.ndarray, tokens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keep the first occurrence of each (context, token) row."""
    if len(tokens) == 0:
        return contexts, tokens
    rows = np.concatenate([contexts, tokens[:, None]], axis=1)
    _, first = np.unique(rows, axis=0, return_index=True)
    first.sort()
    return contexts[first], tokens[first]


def first_per_context(contexts: np.ndarray, tokens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keep only the token that first followed each distinct context.

    A model that copies a watermarked passage it has in context (its prompt, or its own
    earlier output) repeats the same context with *different* continuations too; scoring
    every distinct (context, token) pair then over-counts. One score per context is a fresh
    draw of the keyed hash under the null, whatever the model does, so the test stays exact."""
    if len(tokens) == 0:
        return contexts, tokens
    _, first = np.unique(contexts, axis=0, return_index=True)
    first.sort()
    return contexts[first], tokens[first]


def collect_pairs(scheme, sequences: Iterable[Iterable[int]]) -> tuple[np.ndarray, np.ndarray]:
    """All (context, token) pairs of several token sequences, ids outside the vocabulary dropped."""
    ctxs, toks = [], []
    for seq in sequences:
        c, t = windows(np.asarray(list(seq), dtype=np.int64), scheme.context_width)
        ctxs.append(c)
        toks.append(t)
    if not ctxs:
        return np.zeros((0, scheme.context_width), dtype=np.int64), np.zeros(0, dtype=np.int64)
    contexts, tokens = np.concatenate(ctxs), np.concatenate(toks)
    ok = (tokens < scheme.vocab_size) & (contexts < scheme.vocab_size).all(axis=1) & (tokens >= 0)
    return contexts[ok], tokens[ok]


def score_pairs(scheme, contexts: np.ndarray, tokens: np.ndarray, dedupe: bool = True,
                first_context: bool = False) -> Detection:
    """dedupe: each (context, token) pair once; first_context: each context once (stricter)."""
    if first_context:
        contexts, tokens = first_per_context(contexts, tokens)
    elif dedupe:
        contexts, tokens = unique_pairs(contexts, tokens)
    n = len(tokens)
    hits = int(scheme.hits(contexts, tokens).sum()) if n else 0
    return binomial_test(hits, n * scheme.trials, scheme.p_null, n)


def score_many(scheme, sequences: Iterable[Iterable[int]], dedupe: bool = True,
               first_context: bool = False) -> Detection:
    """One test over several texts together (pairs de-duplicated across all of them)."""
    contexts, tokens = collect_pairs(scheme, sequences)
    return score_pairs(scheme, contexts, tokens, dedupe=dedupe, first_context=first_context)


def score_tokens(scheme, token_ids: Iterable[int], dedupe: bool = True) -> Detection:
    """Test one text given as token ids."""
    return score_many(scheme, [token_ids], dedupe=dedupe)
