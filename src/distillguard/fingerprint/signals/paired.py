"""Prompt-by-prompt habits: how a model's answer to *this* prompt departs from the background's.

A profile signal (style, phrases) asks "does the suspect write like the teacher on average?";
many assistants share an average. A student fine-tuned on the teacher's answers also inherits
the teacher's *choices per prompt*: which prompts get a long answer and which a one-liner,
where it switches to a numbered list or a code block, how it opens. These signals centre each
prompt's measurement on the background models' answers to the same prompt, so what is left is
the model's own choice on that prompt, and compare two models by the correlation of those
residuals across prompts.

- `length_profile`: log word count per prompt (the answer-length profile).
- `paired_style`: the style measurements of `style.answer_features`, per prompt.
- `openings`: the first words of each answer (one-hot per prompt: same opening as the
  other model on the same prompt, beyond what the background's openings predict).

They are opt-in (`default_signals(paired=True)`, `--paired-signals`): on the project's
AlpacaEval benchmark they find reference models' own families well when those are left out,
but pull older, shorter-answering open models toward text-davinci-003 (a family of one), so by
default they stay out (bench/results/provenance.md has the ablation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from distillguard.fingerprint.corpus import Corpus
from distillguard.fingerprint.signals.style import FEATURES, answer_features

_WORD = re.compile(r"[a-z0-9']+")


def _residual_correlation(x: np.ndarray, background: list[int], prompts: np.ndarray | None) -> np.ndarray:
    """models x models correlation of per-prompt residuals.

    x: models x prompts x features. Each (prompt, feature) is centred on the background
    models' mean and scaled by their sd on it, so a prompt every model answers at length adds
    nothing; then every model's residual vector is compared with every other's (cosine)."""
    if prompts is not None:
        x = x[:, prompts]
    bg = x[background]
    mu = bg.mean(0, keepdims=True)
    sd = bg.std(0, keepdims=True)
    # a (prompt, feature) the background agrees on exactly is uninformative: weight it to zero
    r = np.where(sd > 1e-9, (x - mu) / np.maximum(sd, 1e-9), 0.0)
    r = np.clip(r, -5, 5).reshape(x.shape[0], -1)
    r = r - r.mean(1, keepdims=True)
    norms = np.linalg.norm(r, axis=1, keepdims=True)
    y = r / np.where(norms > 0, norms, 1.0)
    return y @ y.T


@dataclass
class PreparedResiduals:
    values: np.ndarray  # models x prompts x features
    background: list[int]
    labels: tuple[str, ...]
    prompts_text: list[str]
    texts: list[list[str]]

    def similarity(self, prompts: np.ndarray | None = None) -> np.ndarray:
        return _residual_correlation(self.values, self.background, prompts)

    def evidence(self, a: int, b: int, limit: int = 3) -> list[dict]:
        """The prompts on which both models depart furthest from the background in the same direction."""
        bg = self.values[self.background]
        sd = np.maximum(bg.std(0), 1e-9)
        za = (self.values[a] - bg.mean(0)) / sd
        zb = (self.values[b] - bg.mean(0)) / sd
        agree = np.clip(za * zb, -25, 25)
        flat = np.argsort(-agree, axis=None)[:limit]
        out = []
        for idx in flat:
            p, f = np.unravel_index(idx, agree.shape)
            if agree[p, f] <= 0:
                break
            out.append({
                "prompt": self.prompts_text[p][:200], "habit": self.labels[f],
                "suspect_z": round(float(za[p, f]), 2), "reference_z": round(float(zb[p, f]), 2),
                "suspect": self.texts[a][p][:200],
            })
        return out


class LengthProfileSignal:
    """Which prompts get long answers and which short ones."""

    name = "length_profile"

    def prepare(self, corpus: Corpus, background: list[int]) -> PreparedResiduals:
        vals = np.array([[[np.log1p(len(t.split()))] for t in row] for row in corpus.texts])
        return PreparedResiduals(vals, list(background), ("log_words",), corpus.prompts, corpus.texts)


class PairedStyleSignal:
    """Formatting choices per prompt (lists, headers, bold, code, length of sentences...)."""

    name = "paired_style"

    def prepare(self, corpus: Corpus, background: list[int]) -> PreparedResiduals:
        vals = np.array([[answer_features(t) for t in row] for row in corpus.texts])
        return PreparedResiduals(vals, list(background), FEATURES, corpus.prompts, corpus.texts)


def opening(text: str, words: int = 3) -> str:
    return " ".join(_WORD.findall(text.lower())[:words])


@dataclass
class PreparedOpenings:
    keys: np.ndarray  # models x prompts (ids of the opening; -1 for an empty answer)
    background: list[int]
    vocab: list[str]
    prompts_text: list[str]

    def similarity(self, prompts: np.ndarray | None = None) -> np.ndarray:
        keys = self.keys if prompts is None else self.keys[:, prompts]
        n_models, n_prompts = keys.shape
        bg = np.asarray(self.background)
        sims = np.zeros((n_models, n_models))
        for p in range(n_prompts):
            col = keys[:, p]
            same = (col[:, None] == col[None, :]) & (col[:, None] >= 0)
            # chance that two models share an opening here: how often background pairs do
            bgc = col[bg]
            counts = np.unique(bgc[bgc >= 0], return_counts=True)[1]
            share = float((counts * (counts - 1)).sum()) / max(len(bg) * (len(bg) - 1), 1)
            # surprise-weighted agreement: a shared rare opening counts more than a common one
            sims += np.where(same, -np.log(max(share, 1.0 / len(bg) ** 2)), 0.0) - share * -np.log(max(share, 1.0 / len(bg) ** 2))
        return sims / max(n_prompts, 1)

    def evidence(self, a: int, b: int, limit: int = 3) -> list[dict]:
        out = []
        bg = np.asarray(self.background)
        for p in range(self.keys.shape[1]):
            k = self.keys[a, p]
            if k >= 0 and k == self.keys[b, p] and np.mean(self.keys[bg, p] == k) < 0.2:
                out.append({"prompt": self.prompts_text[p][:200], "opening": self.vocab[k],
                            "background_share": round(float(np.mean(self.keys[bg, p] == k)), 3)})
            if len(out) >= limit:
                break
        return out


class OpeningsSignal:
    """The same first words on the same prompt ("Sure! Here's", "As an AI", "1.")."""

    name = "openings"

    def prepare(self, corpus: Corpus, background: list[int]) -> PreparedOpenings:
        vocab: dict[str, int] = {}
        keys = np.full((corpus.n_models, corpus.n_prompts), -1, dtype=np.int64)
        for m, row in enumerate(corpus.texts):
            for p, t in enumerate(row):
                o = opening(t)
                if o:
                    keys[m, p] = vocab.setdefault(o, len(vocab))
        return PreparedOpenings(keys, list(background), list(vocab), corpus.prompts)
