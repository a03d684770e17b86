"""The radioactivity extension point: a family with a watermark detector gains a signal."""

import numpy as np

from distillguard.fingerprint.corpus import Corpus
from distillguard.fingerprint.inputs import ModelAnswers
from distillguard.fingerprint.signals.watermark import RadioactivitySignal
from distillguard.fingerprint.stats import score_suspect


def test_radioactive_suspect_is_attributed_and_other_families_ignore_the_signal():
    prompts = [f"p{i}" for i in range(10)]
    names = ["suspect", "ours", "other1", "other2"] + [f"n{k}" for k in range(8)]
    marked = {"suspect", "ours"}
    models = [ModelAnswers(n, {p: ("GREEN " if n in marked else "") + f"{n} says {p}" for p in prompts}) for n in names]
    corpus = Corpus.from_models(models)

    def detector(texts):  # stands in for distillguard.watermark: z-score of the key's signal
        return 10.0 * np.mean([t.startswith("GREEN") for t in texts]) + 0.01 * len(texts[0])

    prep = RadioactivitySignal({"ours": detector}).prepare(corpus, list(range(1, len(names))))
    sim = prep.similarity()
    assert np.isfinite(sim[:, 1]).all() and np.isnan(sim[:, 2]).all()
    fams = {"ours": [1], "other": [2, 3]}
    scores = score_suspect({"watermark": sim}, fams, 0, list(range(1, len(names))))
    # 'other' has no detector, so it gets no score from this signal and is left out.
    assert [s.family for s in scores] == ["ours"]
    assert scores[0].p_value < 0.01
    assert prep.evidence(0, 1)[0]["watermark_z"] > 9
