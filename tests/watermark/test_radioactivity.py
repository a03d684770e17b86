import numpy as np
import pytest

from distillguard.watermark import radioactivity
from distillguard.watermark.keys import derive_cohort_key
from distillguard.watermark.processors import KGWLogitsProcessor
from distillguard.watermark.schemes import make_scheme
from distillguard.watermark.student import StudentConfig, train_student
from distillguard.watermark.tracing import trace

from tests.watermark._helpers import VOCAB, sample_watermarked

SMALL = 400  # a small vocabulary so a tiny student can learn the green lists from a few thousand tokens


def _green_biased_predictor(scheme, rate, seed=0):
    """A stand-in suspect whose top-1 prediction is green with probability `rate`."""
    rng = np.random.default_rng(seed)

    def predict(texts):
        out = []
        for seq in texts:
            preds = []
            for t in seq:
                green = scheme.green_mask(np.array([[t]]))[0]
                pool = np.flatnonzero(green if rng.random() < rate else ~green)
                preds.append(rng.choice(pool))
            out.append(np.array(preds))
        return out

    return predict


def test_reading_mode_aligns_predictions_with_their_context(key):
    scheme = make_scheme("kgw", key, VOCAB, context_width=2)
    text = [3, 4, 5, 6]
    seen = {}

    def predict(texts):
        return [np.array([11, 12, 13, 14])]

    d = radioactivity.reading_mode(scheme, [text], predict)
    # predictions after positions 1..3 are scored with contexts (3,4), (4,5), (5,6)
    expected = scheme.hits(np.array([[3, 4], [4, 5], [5, 6]]), np.array([12, 13, 14])).sum()
    assert d.tokens_scored == 3 and d.hits == expected


def test_reading_mode_separates_learned_from_unrelated(key, rng):
    scheme = make_scheme("kgw", key, VOCAB, gamma=0.25)
    texts = [rng.integers(0, VOCAB, 80) for _ in range(4)]
    learned = radioactivity.reading_mode(scheme, texts, _green_biased_predictor(scheme, 0.5))
    control = radioactivity.reading_mode(scheme, texts, _green_biased_predictor(scheme, 0.25))
    assert learned.p_value < 1e-6 and control.p_value > 1e-3


def test_tracing_names_the_leaking_cohort_and_spares_the_rest(master, rng):
    schemes = {f"c{i}": make_scheme("kgw", derive_cohort_key(master, f"c{i}"), VOCAB) for i in range(8)}
    texts = [rng.integers(0, VOCAB, 80) for _ in range(4)]
    predictor = _green_biased_predictor(schemes["c5"], 0.5)
    preds = predictor(texts)
    result = trace(schemes, lambda s: radioactivity.reading_mode(s, texts, lambda _: preds), alpha=0.01)
    assert result.accused == "c5" and result.threshold == pytest.approx(0.01 / 8)
    innocent = trace({k: v for k, v in schemes.items() if k != "c5"},
                     lambda s: radioactivity.reading_mode(s, texts, lambda _: preds))
    assert innocent.accused is None


def test_trace_rejects_bad_arguments():
    with pytest.raises(ValueError):
        trace({}, lambda s: None)
    with pytest.raises(ValueError):
        trace({"a": object()}, lambda s: None, alpha=2)


def test_a_student_trained_on_watermarked_text_is_radioactive(master):
    key = derive_cohort_key(master, "acme")
    scheme = make_scheme("kgw", key, SMALL, gamma=0.25, delta=3.0)
    proc = KGWLogitsProcessor(scheme)
    teacher = [sample_watermarked(proc, SMALL, 150, seed=s, temperature=1.0)[1:] for s in range(12)]
    cfg = StudentConfig(hidden=64, layers=1, heads=2, block=64, batch=8, epochs=25, lr=1e-2)
    student = train_student(teacher, eos_id=0, config=cfg)
    assert student.steps > 0 and np.isfinite(student.final_loss)
    probe = teacher[:8]
    d = radioactivity.reading_mode(scheme, probe, student.top1_predictor())
    assert d.p_value < 1e-6
    wrong = make_scheme("kgw", derive_cohort_key(master, "globex"), SMALL)
    assert radioactivity.reading_mode(wrong, probe, student.top1_predictor()).p_value > 1e-3
    gens = student.generate([t[:2] for t in teacher[:4]], new_tokens=40)
    assert all(len(g) == 40 for g in gens)
    assert radioactivity.black_box(scheme, gens).tokens_scored > 0
