"""A sentence-level watermark that survives paraphrase (in the spirit of SemStamp, Hou et al. 2024).

KGW marks *tokens*; a rewrite by another model changes the tokens and the mark is gone. This
scheme marks *meanings*: each sentence's embedding falls in one of 2^bits regions cut by
keyed random hyperplanes, and generation keeps only sentences whose region is "green" for
the region of the sentence before (a keyed choice of a `gamma` share of the regions). A
paraphrase keeps each sentence's meaning, so mostly its region, so mostly the mark.

Detection counts green sentences. Regions are not equally likely in real text, so the chance
that an unmarked sentence lands in the green share is taken from region frequencies measured
on unmarked calibration text (`calibrate`), and the p-value is the exact Poisson-binomial upper
tail over the scored sentences. This is an approximation (natural sentences depend on the one
before, the model behind it does not); its false-positive rate is measured, not assumed
(bench/provenance_robustness_bench.py).

The trade-off against KGW: a handful of scored units per answer instead of hundreds (so longer
answers are needed for the same p-value), several sampled candidates per sentence (generation
cost x `tries`), and a sentence embedder on both sides.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from distillguard.watermark.detect import Detection

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
Embedder = Callable[[list[str]], np.ndarray]


def sentences(text: str, min_chars: int = 12) -> list[str]:
    """Split on sentence ends and line breaks; fragments shorter than `min_chars` are merged forward."""
    out, carry = [], ""
    for part in _SENTENCE.split(text.strip()):
        part = (carry + " " + part).strip() if carry else part.strip()
        if len(part) < min_chars:
            carry = part
            continue
        out.append(part)
        carry = ""
    if carry and out:
        out[-1] = out[-1] + " " + carry
    elif carry:
        out.append(carry)
    return out


def poisson_binomial_sf(hits: int, probs: Sequence[float]) -> float:
    """P(at least `hits` successes) for independent Bernoulli trials with these probabilities."""
    dist = np.zeros(len(probs) + 1)
    dist[0] = 1.0
    for p in probs:
        dist[1:] = dist[1:] * (1 - p) + dist[:-1] * p
        dist[0] *= 1 - p
    return float(min(1.0, max(0.0, dist[hits:].sum())))


@dataclass
class SentenceScheme:
    """Keyed regions of the sentence-embedding space; green regions depend on the previous sentence's."""

    key: bytes
    dim: int = 384
    bits: int = 4
    gamma: float = 0.25
    center: np.ndarray | None = None  # mean embedding of unmarked calibration sentences
    mass: np.ndarray | None = None  # how often unmarked sentences fall in each region
    _planes: np.ndarray = field(init=False, repr=False)

    name = "semantic"

    def __post_init__(self) -> None:
        if not 1 <= self.bits <= 8:
            raise ValueError("bits must be between 1 and 8")
        if not 0 < self.gamma < 1:
            raise ValueError("gamma must be between 0 and 1 (exclusive)")
        seed = int.from_bytes(hmac.new(self.key, b"semantic-planes", hashlib.sha256).digest()[:8], "big")
        self._planes = np.random.default_rng(seed).standard_normal((self.bits, self.dim))
        self.n_green = max(1, int(round(self.gamma * self.regions)))

    @property
    def regions(self) -> int:
        return 2**self.bits

    def region(self, vecs: np.ndarray) -> np.ndarray:
        centred = np.asarray(vecs, dtype=np.float64) - (self.center if self.center is not None else 0.0)
        signs = (centred @ self._planes.T) > 0
        return (signs * (1 << np.arange(self.bits))).sum(1).astype(np.int64)

    def green(self, previous: int) -> np.ndarray:
        """The green regions after a sentence in region `previous` (-1: the first sentence)."""
        digest = hmac.new(self.key, f"semantic-green|{previous}".encode(), hashlib.sha256).digest()
        order = np.random.default_rng(int.from_bytes(digest[:8], "big")).permutation(self.regions)
        return np.sort(order[: self.n_green])

    def p_green(self, previous: int) -> float:
        mass = self.mass if self.mass is not None else np.full(self.regions, 1.0 / self.regions)
        return float(mass[self.green(previous)].sum())

    def calibrate(self, vecs: np.ndarray) -> "SentenceScheme":
        """Centre the regions on unmarked sentences and measure how often each region occurs."""
        vecs = np.asarray(vecs, dtype=np.float64)
        if len(vecs) < 4 * self.regions:
            raise ValueError(f"calibration needs at least {4 * self.regions} sentences, got {len(vecs)}")
        self.center = vecs.mean(0)
        counts = np.bincount(self.region(vecs), minlength=self.regions) + 1.0
        self.mass = counts / counts.sum()
        return self

    def describe(self) -> dict:
        return {"scheme": "semantic", "bits": self.bits, "gamma": self.gamma, "regions": self.regions,
                "calibrated": self.mass is not None}

    def score_regions(self, regions: Sequence[int]) -> Detection:
        """Detection over one text's sentence regions, in order (repeated (previous, region) pairs once)."""
        seen, hits, probs = set(), 0, []
        prev = -1
        for r in regions:
            pair = (prev, int(r))
            if pair not in seen:
                seen.add(pair)
                probs.append(self.p_green(prev))
                hits += int(int(r) in set(self.green(prev).tolist()))
            prev = int(r)
        n = len(probs)
        if n == 0:
            return Detection(1.0, 0, 0.0, 0.0, 0, 0)
        mean = float(np.sum(probs))
        sd = float(np.sqrt(np.sum(np.array(probs) * (1 - np.array(probs))))) or 1.0
        return Detection(poisson_binomial_sf(hits, probs), n, hits / n, (hits - mean) / sd, hits, n)

    def detect(self, text: str, embed: Embedder) -> Detection:
        parts = sentences(text)
        if not parts:
            return Detection(1.0, 0, 0.0, 0.0, 0, 0)
        return self.score_regions(self.region(embed(parts)))


def choose_sentence(scheme: SentenceScheme, previous: int, candidates: list[str], embed: Embedder) -> tuple[int, int, bool]:
    """(index of the candidate to keep, its region, whether it is green): the first green one, else the first."""
    if not candidates:
        raise ValueError("no candidate sentences")
    regions = scheme.region(embed(candidates))
    green = set(scheme.green(previous).tolist())
    for i, r in enumerate(regions):
        if int(r) in green:
            return i, int(r), True
    return 0, int(regions[0]), False


def _first_sentence(text: str) -> str:
    parts = sentences(text)
    return parts[0] if parts else text.strip()


def extend(scheme: SentenceScheme, answer: str, previous: int, continuations: list[str], embed: Embedder) -> tuple[str, int, str]:
    """One generation step: (answer, region of its last sentence, 'green' | 'miss' | 'ended').

    When every continuation is empty the model has finished: the answer and the chain of regions
    are left as they are, since detection never sees an empty sentence (keying the next sentence
    on it would break the chain the detector follows)."""
    cands = [c for c in (_first_sentence(x) for x in continuations) if c]
    if not cands:
        return answer, previous, "ended"
    k, region, ok = choose_sentence(scheme, previous, cands, embed)
    return (answer + " " + cands[k]).strip(), region, "green" if ok else "miss"


def generate(model, tokenizer, scheme: SentenceScheme, embed: Embedder, instructions: list[str], n_sentences: int,
             tries: int = 8, sentence_tokens: int = 40, seed: int = 0) -> dict:
    """Answers built sentence by sentence: `tries` sampled continuations per step, the first
    green one kept (rejection sampling). Returns the texts, the sentences added (`steps`; an answer
    that has ended adds none) and how many of them had no green candidate."""
    import torch

    from distillguard.watermark.model import chat_prompts

    torch.manual_seed(seed)
    prompts = chat_prompts(tokenizer, instructions)
    answers = [""] * len(prompts)
    previous = [-1] * len(prompts)
    misses = steps = 0
    for _ in range(n_sentences):
        texts = [p + a for p, a in zip(prompts, answers)]
        enc = tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False)
        with torch.no_grad():
            out = model.generate(**enc, max_new_tokens=sentence_tokens, do_sample=True, top_k=0, top_p=1.0, temperature=1.0,
                                 num_return_sequences=tries, pad_token_id=tokenizer.pad_token_id)
        new = tokenizer.batch_decode(out[:, enc["input_ids"].shape[1]:], skip_special_tokens=True)
        for i in range(len(prompts)):
            answers[i], previous[i], status = extend(scheme, answers[i], previous[i], new[i * tries : (i + 1) * tries], embed)
            misses += status == "miss"
            steps += status != "ended"
    return {"texts": answers, "steps": steps, "no_green_candidate": misses}
