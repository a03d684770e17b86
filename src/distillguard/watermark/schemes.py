"""The two watermark schemes, as pure functions of (key, context, token).

* KGW green list (Kirchenbauer et al. 2023): the key and the previous `context_width`
  tokens split the vocabulary into a green fraction `gamma` and a red rest;
  generation adds `delta` to green logits. Under no watermark a token is green with
  probability `gamma`, so counting greens gives an exact binomial test.
* Tournament (SynthID-Text style, Dathathri et al. 2024): `layers` keyed binary
  g-functions; sampling runs a knockout tournament between candidate tokens, layer
  by layer, preferring g = 1. Unmarked text has g ~ Bernoulli(0.5) per layer.

Both expose `hits(contexts, tokens)` (successes per scored token), `trials` (Bernoulli
trials per scored token) and `p_null` (success probability without the watermark),
which is all detection needs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from distillguard.watermark.hashing import ContextHasher

_TOP_BIT = np.uint64(63)


@dataclass(frozen=True)
class KGWConfig:
    gamma: float = 0.25
    delta: float = 2.0
    context_width: int = 1

    def __post_init__(self):
        if not 0.0 < self.gamma < 1.0:
            raise ValueError("gamma must be between 0 and 1 (exclusive)")
        if self.delta < 0:
            raise ValueError("delta must be non-negative")
        if self.context_width < 1:
            raise ValueError("context width must be at least 1")


@dataclass(frozen=True)
class TournamentConfig:
    layers: int = 16
    context_width: int = 1
    top_k: int = 64

    def __post_init__(self):
        if not 1 <= self.layers <= 64:
            raise ValueError("layers must be between 1 and 64")
        if self.context_width < 1:
            raise ValueError("context width must be at least 1")
        if self.top_k < 2:
            raise ValueError("top_k must be at least 2")


class KGWScheme:
    name = "kgw"

    def __init__(self, key: bytes, vocab_size: int, config: KGWConfig = KGWConfig()):
        self.config = config
        self.vocab_size = vocab_size
        self.context_width = config.context_width
        self.hasher = ContextHasher(key, vocab_size, config.context_width)
        self._threshold = np.uint64(min(int(config.gamma * 2.0**64), 2**64 - 1))
        self.trials = 1
        self.p_null = config.gamma
        self.cache_size = 4096  # green lists kept for generation (~vocab/8 bytes each)
        self._cache: dict[int, np.ndarray] = {}

    def green_mask(self, contexts: np.ndarray) -> np.ndarray:
        """(n, width) contexts -> (n, vocab) bool green lists.

        Generation asks for the same contexts again and again (short windows, common
        tokens), so recent green lists are kept bit-packed (vocab/8 bytes each).
        """
        seeds = self.hasher.seeds(contexts)
        out = np.empty((len(seeds), self.vocab_size), dtype=bool)
        missing = []
        for row, seed in enumerate(seeds.tolist()):
            packed = self._cache.get(seed)
            if packed is None:
                missing.append(row)
            else:
                out[row] = np.unpackbits(packed, count=self.vocab_size).view(bool)
        if missing:
            fresh = self.hasher.vocab_words(seeds[missing]) < self._threshold
            out[missing] = fresh
            for row, mask in zip(missing, fresh):
                if len(self._cache) >= self.cache_size:
                    self._cache.pop(next(iter(self._cache)))  # drop the oldest entry
                self._cache[int(seeds[row])] = np.packbits(mask)
        return out

    def hits(self, contexts: np.ndarray, tokens: np.ndarray) -> np.ndarray:
        """1 where the token is green for its context."""
        seeds = self.hasher.seeds(contexts)
        return (self.hasher.words(seeds, tokens) < self._threshold).astype(np.int64)

    def describe(self) -> dict:
        return {"scheme": self.name, **asdict(self.config)}


class TournamentScheme:
    name = "tournament"

    def __init__(self, key: bytes, vocab_size: int, config: TournamentConfig = TournamentConfig()):
        self.config = config
        self.vocab_size = vocab_size
        self.context_width = config.context_width
        self.hasher = ContextHasher(key, vocab_size, config.context_width, n_token_tables=config.layers)
        self.trials = config.layers
        self.p_null = 0.5

    def g_values(self, seeds: np.ndarray, tokens: np.ndarray) -> np.ndarray:
        """(..., layers) uint8 g-values for tokens shaped like seeds or (n, k)."""
        bits = [(self.hasher.words(seeds, tokens, table=l) >> _TOP_BIT).astype(np.uint8) for l in range(self.trials)]
        return np.stack(bits, axis=-1)

    def hits(self, contexts: np.ndarray, tokens: np.ndarray) -> np.ndarray:
        """Number of layers whose g-value is 1, per token."""
        return self.g_values(self.hasher.seeds(contexts), tokens).sum(axis=-1).astype(np.int64)

    def describe(self) -> dict:
        return {"scheme": self.name, **asdict(self.config)}


SCHEMES = {"kgw": (KGWScheme, KGWConfig), "tournament": (TournamentScheme, TournamentConfig)}


def make_scheme(name: str, key: bytes, vocab_size: int, **params):
    """Build a scheme by name; `params` are its config fields (unknown or None ones are ignored)."""
    if name not in SCHEMES:
        raise ValueError(f"unknown scheme {name!r}; choose from {', '.join(SCHEMES)}")
    cls, cfg_cls = SCHEMES[name]
    fields = cfg_cls.__dataclass_fields__
    cfg = cfg_cls(**{k: v for k, v in params.items() if k in fields and v is not None})
    return cls(key, vocab_size, cfg)
