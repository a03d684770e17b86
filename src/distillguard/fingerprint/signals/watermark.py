"""Watermark radioactivity as a fingerprint signal (pluggable; optional).

When a reference family watermarks its outputs (see `distillguard.watermark`), a student
trained on those outputs reproduces the watermark: the suspect's own answers test positive
under that family's key. This signal asks each family's detector about every model's answers;
its "similarity" of model x to family member m is the detector's z-score for x's texts under
m's key (NaN for families without a detector, which the scorer then leaves out for them).
Like any other signal it is z-scored against the null models, so a detector that is
miscalibrated on some text style cannot by itself produce an attribution.

Usage (Python API):

    from distillguard.fingerprint.signals import register_signal
    from distillguard.fingerprint.signals.watermark import RadioactivitySignal, watermark_detector
    det = watermark_detector("ours.key", scheme="kgw", tokenizer="smollm2")
    register_signal(lambda: RadioactivitySignal({"ours": det}))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from distillguard.fingerprint.corpus import Corpus

Detector = Callable[[list[str]], float]  # texts -> z-score (higher = more watermark)


@dataclass
class PreparedRadioactivity:
    z: np.ndarray  # models x models: z of row model's texts under column model's family key

    def similarity(self, prompts: np.ndarray | None = None) -> np.ndarray:
        return self.z  # computed on all prompts; detectors are not per-prompt

    def evidence(self, a: int, b: int, limit: int = 1) -> list[dict]:
        if not np.isfinite(self.z[a, b]):
            return []
        return [{"watermark_z": round(float(self.z[a, b]), 2), "note": "suspect's answers scored with the reference's watermark key"}]


class RadioactivitySignal:
    """detectors: family name -> detector; `families` maps model names to family names."""

    name = "watermark"

    def __init__(self, detectors: dict[str, Detector], families: dict[str, str] | None = None) -> None:
        self.detectors = detectors
        self.families = families or {}

    def prepare(self, corpus: Corpus, background: list[int]) -> PreparedRadioactivity:
        n = corpus.n_models
        z = np.full((n, n), np.nan)
        for col, name in enumerate(corpus.names):
            fam = self.families.get(name, name)
            det = self.detectors.get(fam)
            if det is None:
                continue
            for row in range(n):
                z[row, col] = float(det(corpus.texts[row]))
        return PreparedRadioactivity(z)


def watermark_detector(key_file: str, scheme: str = "kgw", tokenizer: str = "smollm2", cohort: str | None = None, **params) -> Detector:
    """Detector backed by `distillguard.watermark` (black-box radioactivity test on texts)."""
    from distillguard.watermark.keys import derive_cohort_key, load_master_key
    from distillguard.watermark.radioactivity import black_box
    from distillguard.watermark.schemes import make_scheme
    from distillguard.watermark.textio import encode, load_tokenizer

    tok = load_tokenizer(tokenizer)
    key = derive_cohort_key(load_master_key(key_file), cohort)
    sch = make_scheme(scheme, key, len(tok), **params)

    def detect(texts: list[str]) -> float:
        return float(black_box(sch, [encode(tok, t) for t in texts if t]).z)

    return detect
