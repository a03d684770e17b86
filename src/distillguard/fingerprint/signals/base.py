"""The contract every signal meets, so new ones (e.g. watermark radioactivity) plug in.

A signal turns a `Corpus` into a models x models similarity matrix, *relative to the
background models*: higher means "these two models share habits that the background does not".
It is prepared once (features per answer) and can then be evaluated on any subset of prompts,
which is what probe selection and the prompts-vs-accuracy curves need.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from distillguard.fingerprint.corpus import Corpus


@runtime_checkable
class Prepared(Protocol):
    def similarity(self, prompts: np.ndarray | None = None) -> np.ndarray:
        """models x models similarity on the given prompt indices (all when None)."""

    def evidence(self, a: int, b: int, limit: int = 5) -> list[dict]:
        """What model `a` and model `b` share that the background does not (for the analyst)."""


@runtime_checkable
class Signal(Protocol):
    name: str

    def prepare(self, corpus: Corpus, background: list[int]) -> Prepared: ...


def cosine_rows(x: np.ndarray) -> np.ndarray:
    """Cosine similarity between the rows of x (zero rows give 0)."""
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    y = x / np.where(norms > 0, norms, 1.0)
    return y @ y.T


def standardize(profiles: np.ndarray, background: list[int], min_sd: float = 1e-6) -> np.ndarray:
    """Z-score each column against the background models' values."""
    bg = profiles[background]
    mu = bg.mean(0)
    sd = bg.std(0)
    return (profiles - mu) / np.maximum(sd, min_sd)
