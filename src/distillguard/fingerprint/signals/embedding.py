"""Embedding similarity of paired answers (optional: needs the bundled MiniLM model).

On each prompt, every model's answer is embedded; the background's mean answer embedding is
removed, and two models score the cosine of what is left, averaged over prompts. A student
that learnt from a teacher's answers departs from the typical answer in the teacher's direction.
"""

from __future__ import annotations

import numpy as np

from distillguard.fingerprint import embed
from distillguard.fingerprint.corpus import Corpus
from distillguard.fingerprint.signals.lexical import PreparedPerPrompt


def per_prompt_centered_cosine(vecs: np.ndarray, background: list[int]) -> np.ndarray:
    """prompts x models x models cosine of background-centred vectors (vecs: models x prompts x dim)."""
    resid = vecs - vecs[background].mean(0, keepdims=True)
    norms = np.linalg.norm(resid, axis=2, keepdims=True)
    resid = resid / np.where(norms > 0, norms, 1.0)
    return np.einsum("apd,bpd->pab", resid, resid, optimize=True).astype(np.float32)


class EmbeddingSignal:
    name = "embedding"

    @staticmethod
    def available() -> bool:
        return embed.available()

    def __init__(self, progress=None) -> None:
        self.progress = progress

    def prepare(self, corpus: Corpus, background: list[int]) -> PreparedPerPrompt:
        vecs = []
        for m, row in enumerate(corpus.texts):
            vecs.append(embed.embed(row))
            if self.progress:
                self.progress(m + 1, corpus.n_models)
        arr = np.stack(vecs)
        return PreparedPerPrompt(per_prompt_centered_cosine(arr, list(background)), corpus.texts, corpus.prompts, "embedding")

