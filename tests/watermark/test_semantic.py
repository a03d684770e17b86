"""The sentence-level watermark: exact tail, keyed regions, calibration, robustness to small meaning-preserving moves."""

import numpy as np
import pytest
from scipy.stats import binom

from distillguard.watermark import semantic
from distillguard.watermark.semantic import SentenceScheme, choose_sentence, poisson_binomial_sf, sentences

KEY = bytes(range(32))
DIM = 16


def test_poisson_binomial_tail_is_the_binomial_when_probabilities_are_equal():
    for n, k, p in ((10, 3, 0.25), (7, 7, 0.5), (12, 0, 0.3), (5, 2, 0.1)):
        assert poisson_binomial_sf(k, [p] * n) == pytest.approx(binom.sf(k - 1, n, p), rel=1e-9, abs=1e-15)
    # unequal: two certain successes and one coin
    assert poisson_binomial_sf(3, [1.0, 1.0, 0.5]) == pytest.approx(0.5)


def test_regions_and_green_sets_are_keyed():
    a, b = SentenceScheme(KEY, dim=DIM), SentenceScheme(bytes(32), dim=DIM)
    vecs = np.random.default_rng(0).standard_normal((200, DIM))
    assert (a.region(vecs) == SentenceScheme(KEY, dim=DIM).region(vecs)).all()
    assert (a.region(vecs) != b.region(vecs)).mean() > 0.5
    assert len(a.green(-1)) == 4 and len(set(a.green(3).tolist())) == 4
    assert any(set(a.green(r).tolist()) != set(a.green(-1).tolist()) for r in range(16))


def _green_walk(scheme, rng, n):
    """Vectors whose regions follow the green chain (what rejection sampling produces)."""
    out, prev = [], -1
    green_sets = {r: set(scheme.green(r).tolist()) for r in range(-1, scheme.regions)}
    while len(out) < n:
        v = rng.standard_normal(DIM)
        r = int(scheme.region(v[None])[0])
        if r in green_sets[prev]:
            out.append(v)
            prev = r
    return np.array(out)


def test_marked_sequences_are_detected_and_survive_small_moves_but_not_large_ones():
    rng = np.random.default_rng(1)
    scheme = SentenceScheme(KEY, dim=DIM).calibrate(rng.standard_normal((2000, DIM)))
    walks = [_green_walk(scheme, rng, 10) for _ in range(20)]
    assert np.median([scheme.score_regions(scheme.region(w)).p_value for w in walks]) < 1e-4
    # a paraphrase moves each sentence's embedding a little: most regions stay
    small = [scheme.score_regions(scheme.region(w + 0.1 * rng.standard_normal(w.shape))).p_value for w in walks]
    large = [scheme.score_regions(scheme.region(rng.standard_normal(w.shape))).p_value for w in walks]
    assert np.median(small) < 1e-2
    assert np.median(large) > 0.1


def test_calibration_keeps_false_positives_at_the_level_on_skewed_embeddings():
    """Real sentence embeddings share a direction (all in one cone), so regions are far from
    equally likely; with measured region frequencies unmarked text stays near the nominal rate."""
    rng = np.random.default_rng(2)
    offset = np.zeros(DIM)
    offset[:3] = 1.0
    draw = lambda n: rng.standard_normal((n, DIM)) + offset  # noqa: E731
    for k in range(4):
        scheme = SentenceScheme(bytes([k]) * 32, dim=DIM).calibrate(draw(4000))
        assert abs(scheme.mass.sum() - 1) < 1e-9 and scheme.mass.max() > 1.5 / scheme.regions  # skewed, and measured
        fpr = np.mean([scheme.score_regions(scheme.region(draw(8))).p_value < 0.05 for _ in range(400)])
        assert fpr <= 0.08


def test_calibration_needs_enough_sentences():
    with pytest.raises(ValueError, match="at least"):
        SentenceScheme(KEY, dim=DIM).calibrate(np.zeros((10, DIM)))


def test_repeated_sentences_count_once():
    scheme = SentenceScheme(KEY, dim=DIM)
    # pairs (-1,1) (1,2) (2,1) (1,2): the loop back to (1,2) is not new evidence
    assert scheme.score_regions([1, 2, 1, 2]).trials == 3
    assert scheme.score_regions([1, 2, 1, 2, 1, 2, 1, 2]).trials == 3


def test_choose_sentence_prefers_a_green_candidate():
    scheme = SentenceScheme(KEY, dim=DIM)
    rng = np.random.default_rng(3)
    vecs = rng.standard_normal((40, DIM))
    regions = scheme.region(vecs)
    green = set(scheme.green(-1).tolist())
    first_green = next(i for i, r in enumerate(regions) if int(r) in green)
    table = {f"s{i}": v for i, v in enumerate(vecs)}
    idx, region, ok = choose_sentence(scheme, -1, list(table), lambda ts: np.array([table[t] for t in ts]))
    assert ok and idx == first_green and region == int(regions[first_green])


def test_sentences_split_and_merge_fragments():
    text = "First sentence is here. Ok. Second one follows!\n- a list item that is long enough\nEnd?"
    parts = sentences(text)
    # a fragment too short to carry a meaning of its own joins the next one (the last joins the one before)
    assert parts == ["First sentence is here.", "Ok. Second one follows!", "- a list item that is long enough End?"]
    assert semantic.sentences("") == []


def test_a_finished_answer_keeps_its_chain_of_regions():
    scheme = SentenceScheme(KEY, dim=8, bits=3, gamma=0.5)
    embed = lambda texts: np.array([[float(len(t) % 7 - 3), float(len(t) % 5 - 2), 1, 0, 0, 0, 0, 0.5] for t in texts])  # noqa: E731
    answer, prev, status = semantic.extend(scheme, "", -1, ["A first sentence here. Then a second one follows."], embed)
    assert status in ("green", "miss") and answer == "A first sentence here." and prev >= 0
    after = semantic.extend(scheme, answer, prev, ["", "   "], embed)  # the model has stopped
    assert after == (answer, prev, "ended")
