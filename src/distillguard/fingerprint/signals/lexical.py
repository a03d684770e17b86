"""Characteristic phrases: word n-grams a model uses more (or less) than the background.

Two views of the same n-gram table:
- `phrases` (profile): per model, how often each 1-3-gram appears in its answers, as log-odds
  relative to the background; a student inherits its teacher's pet phrases ("I hope this
  helps", "It's important to note"), so their log-odds vectors point the same way.
- `paired_lexical` (per prompt): on each prompt, which n-grams a model's answer contains beyond
  the background's typical answer; a student trained on the teacher's answers to similar
  prompts reuses the same wording, prompt by prompt.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from distillguard.fingerprint.corpus import Corpus
from distillguard.fingerprint.signals.base import cosine_rows

TOKEN_PATTERN = r"(?u)\b\w[\w']*\b|[!?:]"


_MEMO: dict = {}


def ngram_matrix(corpus: Corpus, background: list[int], max_features: int = 40000, min_df: int = 5):
    """Binary answers x n-grams matrix (rows ordered model-major), columns chosen on the background.

    Memoised for the last corpus/background, since two signals read the same table."""
    key = (id(corpus), tuple(background), max_features, min_df)
    if key not in _MEMO:
        _MEMO.clear()
        _MEMO[key] = _ngram_matrix(corpus, background, max_features, min_df)
    return _MEMO[key]


N_HASH = 2**22  # hashed n-gram space: collisions among the kept columns are negligible at this size


class NgramNames:
    """Names of the kept n-gram columns, recovered on demand from the texts that use them.

    The table is built with a hashing vectorizer (no vocabulary to count, sort and prune: that was
    most of a cold run's time); only evidence needs the words, and only for two models."""

    def __init__(self, corpus: Corpus, keep: np.ndarray, analyzer) -> None:
        self.texts = corpus.texts
        self.column = {int(h): j for j, h in enumerate(keep)}
        self.analyzer = analyzer

    def for_models(self, models: list[int]) -> dict[int, str]:
        from sklearn.utils import murmurhash3_32

        out: dict[int, str] = {}
        for m in models:
            for text in self.texts[m]:
                for gram in self.analyzer(text):
                    j = self.column.get(abs(murmurhash3_32(gram, seed=0)) % N_HASH)
                    if j is not None and j not in out:
                        out[j] = gram
        return out


def _ngram_matrix(corpus: Corpus, background: list[int], max_features: int, min_df: int):
    from sklearn.feature_extraction.text import HashingVectorizer

    vec = HashingVectorizer(
        n_features=N_HASH, binary=True, alternate_sign=False, norm=None, ngram_range=(1, 3),
        token_pattern=TOKEN_PATTERN, lowercase=True, dtype=np.float32,
    )
    P = corpus.n_prompts
    x = vec.transform(t for row in corpus.texts for t in row).tocsr()
    # Columns: n-grams in at least min_df background answers, the max_features most frequent there.
    bg_rows = np.concatenate([np.arange(m * P, (m + 1) * P) for m in background])
    df = np.bincount(x[bg_rows].indices, minlength=N_HASH)
    floor = min(min_df, max(1, len(background) * P // 50))
    keep = np.flatnonzero(df >= floor)
    if keep.size > max_features:
        keep = np.sort(keep[np.argsort(-df[keep], kind="stable")[:max_features]])
    return x[:, keep].tocsr(), NgramNames(corpus, keep, vec.build_analyzer())


def _rates(x: sparse.csr_matrix, n_models: int, n_prompts: int, prompts: np.ndarray | None) -> np.ndarray:
    """models x n-grams: fraction of the model's answers that contain each n-gram."""
    rows = []
    sel = np.arange(n_prompts) if prompts is None else np.asarray(prompts)
    for m in range(n_models):
        block = x[m * n_prompts + sel]
        rows.append(np.asarray(block.mean(0)).ravel())
    return np.vstack(rows)


@dataclass
class PreparedPhrases:
    x: sparse.csr_matrix
    names: NgramNames
    n_models: int
    n_prompts: int
    background: list[int]
    _full: np.ndarray | None = None

    def _logodds(self, prompts: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        rates = _rates(self.x, self.n_models, self.n_prompts, prompts)
        n = self.n_prompts if prompts is None else len(prompts)
        lo = np.log((rates * n + 0.5) / ((1 - rates) * n + 0.5))
        return lo - lo[self.background].mean(0), rates

    def similarity(self, prompts: np.ndarray | None = None) -> np.ndarray:
        lo, _ = self._logodds(prompts)
        return cosine_rows(lo)

    def evidence(self, a: int, b: int, limit: int = 5) -> list[dict]:
        lo, rates = self._logodds(None)
        bg_rate = rates[self.background].mean(0)
        shared = np.where((lo[a] > 0) & (lo[b] > 0), np.minimum(lo[a], lo[b]), 0.0)
        names = self.names.for_models([a])  # a phrase both use more than the background: the suspect uses it
        # Prefer longer phrases: they are more telling than single words.
        length = np.zeros(len(shared))
        for j, gram in names.items():
            length[j] = len(gram.split())
        shared = np.where(length > 0, shared, 0.0)
        order = np.argsort(-(shared * (1 + 0.5 * (length - 1))))
        out = []
        for j in order[:limit]:
            if shared[j] <= 0:
                break
            out.append({
                "phrase": names[j],
                "suspect_rate": round(float(rates[a, j]), 3),
                "reference_rate": round(float(rates[b, j]), 3),
                "background_rate": round(float(bg_rate[j]), 3),
            })
        return out


class PhraseSignal:
    name = "phrases"

    def prepare(self, corpus: Corpus, background: list[int]) -> PreparedPhrases:
        x, names = ngram_matrix(corpus, background)
        return PreparedPhrases(x, names, corpus.n_models, corpus.n_prompts, list(background))


@dataclass
class PreparedPerPrompt:
    """Per-prompt similarity matrices (prompts x models x models), averaged on demand."""

    per_prompt: np.ndarray
    examples: list[list[str]] | None = None
    prompts_text: list[str] | None = None
    label: str = "answer"

    def similarity(self, prompts: np.ndarray | None = None) -> np.ndarray:
        sims = self.per_prompt if prompts is None else self.per_prompt[prompts]
        return sims.mean(0)

    def evidence(self, a: int, b: int, limit: int = 3) -> list[dict]:
        """The prompts on which the two models' answers depart from the background alike."""
        if self.examples is None or self.prompts_text is None:
            return []
        scores = self.per_prompt[:, a, b]
        out = []
        for p in np.argsort(-scores)[:limit]:
            out.append({
                "prompt": self.prompts_text[p][:200],
                "suspect": self.examples[a][p][:300],
                "reference": self.examples[b][p][:300],
                "similarity": round(float(scores[p]), 3),
            })
        return out


def per_prompt_cosine(x: sparse.csr_matrix, n_models: int, n_prompts: int, background: list[int]) -> np.ndarray:
    """prompts x models x models cosine of background-centred binary n-gram vectors."""
    out = np.zeros((n_prompts, n_models, n_models), dtype=np.float32)
    rows = np.arange(n_models) * n_prompts
    for p in range(n_prompts):
        block = x[rows + p]
        cols = np.unique(block.indices)
        if cols.size == 0:
            continue
        dense = block[:, cols].toarray()
        dense -= dense[background].mean(0, keepdims=True)
        out[p] = cosine_rows(dense)
    return out


class PairedLexicalSignal:
    name = "paired_lexical"

    def prepare(self, corpus: Corpus, background: list[int]) -> PreparedPerPrompt:
        x, _ = ngram_matrix(corpus, background)
        sims = per_prompt_cosine(x, corpus.n_models, corpus.n_prompts, list(background))
        return PreparedPerPrompt(sims, corpus.texts, corpus.prompts, "paired_lexical")
