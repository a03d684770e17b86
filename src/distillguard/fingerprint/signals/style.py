"""Formatting and stylistic habits: lengths, markdown, lists, openings and closings.

Distilled students copy their teacher's *form* (how long, how many bullets, bold headings,
"Sure!" openings, closing offers of help) even when their facts differ. Each answer becomes a
small vector of such measurements; a model's profile is the mean over prompts, z-scored
against the background, and two models are as similar as the cosine of their profiles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from distillguard.fingerprint.corpus import Corpus
from distillguard.fingerprint.signals.base import cosine_rows, standardize

_BULLET = re.compile(r"^\s*[-*•]\s+", re.M)
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+", re.M)
_HEADER = re.compile(r"^\s*#{1,6}\s+", re.M)
_BOLD = re.compile(r"\*\*[^*\n]+\*\*")
_CODE = re.compile(r"```")
_INLINE_CODE = re.compile(r"(?<!`)`[^`\n]+`(?!`)")
_TABLE = re.compile(r"^\s*\|.*\|\s*$", re.M)
_SENT = re.compile(r"[.!?]+(?:\s|$)")
_COLON_LINE = re.compile(r":\s*$", re.M)
_OPEN_AFFIRM = re.compile(r"^\s*(sure|certainly|of course|absolutely|yes|great|okay|ok)\b", re.I)
_OPEN_HERE = re.compile(r"^\s*(here\s+(is|are|'s)|below\s+is)\b", re.I)
_OPEN_I = re.compile(r"^\s*(i\b|i'm|i am|as an)", re.I)
_CLOSE_OFFER = re.compile(r"(let me know|hope (this|that|it) helps|feel free|happy to help|any (other|further|more) questions)[^\n]*$", re.I)
_CLOSE_SUMMARY = re.compile(r"(^|\n)\s*(in conclusion|overall|in summary|to summarize|ultimately)\b[^\n]*$", re.I)
_EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF]")

FEATURES = (
    "log_words", "log_lines", "paragraphs", "bullet_lines", "numbered_lines", "headers", "bold",
    "code_blocks", "inline_code", "table_rows", "exclamations", "questions", "words_per_sentence",
    "chars_per_word", "colon_lines", "open_affirm", "open_here", "open_first_person",
    "close_offer", "close_summary", "emoji", "empty",
)


def answer_features(text: str) -> np.ndarray:
    words = text.split()
    n_words = len(words)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    n_lines = max(len(lines), 1)
    sentences = max(len(_SENT.findall(text)), 1)
    tail = text.strip()[-300:]
    return np.array(
        [
            np.log1p(n_words),
            np.log1p(len(lines)),
            min(text.count("\n\n"), 30),
            len(_BULLET.findall(text)) / n_lines,
            len(_NUMBERED.findall(text)) / n_lines,
            min(len(_HEADER.findall(text)), 20),
            min(len(_BOLD.findall(text)), 30),
            min(len(_CODE.findall(text)) // 2, 5),
            min(len(_INLINE_CODE.findall(text)), 20),
            min(len(_TABLE.findall(text)), 20),
            min(text.count("!"), 10),
            min(text.count("?"), 10),
            min(n_words / sentences, 60),
            sum(len(w) for w in words) / max(n_words, 1),
            len(_COLON_LINE.findall(text)) / n_lines,
            bool(_OPEN_AFFIRM.match(text)),
            bool(_OPEN_HERE.match(text)),
            bool(_OPEN_I.match(text)),
            bool(_CLOSE_OFFER.search(tail)),
            bool(_CLOSE_SUMMARY.search(text)),
            min(len(_EMOJI.findall(text)), 10),
            n_words == 0,
        ],
        dtype=np.float64,
    )


@dataclass
class PreparedStyle:
    feats: np.ndarray  # models x prompts x features
    background: list[int]

    def similarity(self, prompts: np.ndarray | None = None) -> np.ndarray:
        feats = self.feats if prompts is None else self.feats[:, prompts]
        prof = standardize(feats.mean(1), self.background, min_sd=1e-3)
        return cosine_rows(prof)

    def evidence(self, a: int, b: int, limit: int = 5) -> list[dict]:
        prof = standardize(self.feats.mean(1), self.background, min_sd=1e-3)
        shared = prof[a] * prof[b]
        order = np.argsort(-shared)
        out = []
        for j in order[:limit]:
            if shared[j] <= 0:
                break
            out.append({"habit": FEATURES[j], "suspect_z": round(float(prof[a, j]), 2), "reference_z": round(float(prof[b, j]), 2)})
        return out


class StyleSignal:
    name = "style"

    def prepare(self, corpus: Corpus, background: list[int]) -> PreparedStyle:
        feats = np.array([[answer_features(t) for t in row] for row in corpus.texts])
        return PreparedStyle(feats, list(background))
