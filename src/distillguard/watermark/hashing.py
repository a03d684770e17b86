"""Keyed, vectorised hashing of (context, token) pairs.

Every scheme asks the same question: given the previous `width` tokens and a
candidate token, what pseudo-random 64-bit value does the secret key assign? We
derive secret per-token random words from the key (SHAKE-256, stable across
versions), fold the context words into one seed, mix it with the candidate's word,
and finish with the splitmix64 mixer. All of it is numpy uint64 arithmetic, so a
whole vocabulary (generation) or a whole text (detection) is hashed in a few passes.
"""

from __future__ import annotations

import hashlib

import numpy as np

from distillguard.watermark.keys import subkey

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser on a uint64 array (wrapping arithmetic)."""
    x = np.asarray(x, dtype=np.uint64)
    x = x ^ (x >> _S30)
    x = x * _M1
    x = x ^ (x >> _S27)
    x = x * _M2
    return x ^ (x >> _S31)


def token_words(key: bytes, label: str, vocab_size: int) -> np.ndarray:
    """`vocab_size` secret uint64 words, one per token id, for one purpose `label`."""
    stream = hashlib.shake_256(subkey(key, f"words:{label}")).digest(8 * vocab_size)
    return np.frombuffer(stream, dtype="<u8").astype(np.uint64)


class ContextHasher:
    """Seeds for context windows and per-(seed, token) uniform words under one key."""

    def __init__(self, key: bytes, vocab_size: int, width: int, n_token_tables: int = 1):
        if width < 1:
            raise ValueError("context width must be at least 1")
        self.vocab_size = vocab_size
        self.width = width
        self._ctx = [token_words(key, f"ctx{j}", vocab_size) for j in range(width)]
        self._tok = [token_words(key, f"tok{t}", vocab_size) for t in range(n_token_tables)]

    def seeds(self, contexts: np.ndarray) -> np.ndarray:
        """contexts: (n, width) token ids, oldest first -> (n,) uint64 seeds."""
        contexts = np.asarray(contexts, dtype=np.int64)
        acc = np.zeros(contexts.shape[0], dtype=np.uint64)
        for j in range(self.width):
            acc = mix64(acc ^ self._ctx[j][contexts[:, j]])
        return acc

    def words(self, seeds: np.ndarray, tokens: np.ndarray, table: int = 0) -> np.ndarray:
        """Uniform uint64 per (seed, token); `tokens` broadcasts against seeds[:, None] or seeds."""
        seeds = np.asarray(seeds, dtype=np.uint64)
        tok = self._tok[table][np.asarray(tokens, dtype=np.int64)]
        if tok.ndim == seeds.ndim + 1:
            seeds = seeds[..., None]
        return mix64(seeds ^ tok)

    def vocab_words(self, seeds: np.ndarray, table: int = 0) -> np.ndarray:
        """(n, vocab) uniform words: every token of the vocabulary for each seed."""
        seeds = np.asarray(seeds, dtype=np.uint64)
        return mix64(seeds[:, None] ^ self._tok[table][None, :])


def windows(tokens: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Split a token sequence into (contexts (n, width), targets (n,)); the first `width` tokens have no context."""
    tokens = np.asarray(tokens, dtype=np.int64)
    n = len(tokens) - width
    if n <= 0:
        return np.zeros((0, width), dtype=np.int64), np.zeros(0, dtype=np.int64)
    idx = np.arange(n)[:, None] + np.arange(width)[None, :]
    return tokens[idx], tokens[width:]
