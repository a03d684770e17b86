import numpy as np
import pytest
from scipy.stats import binom

from distillguard.watermark.detect import score_many, score_tokens
from distillguard.watermark.keys import derive_cohort_key
from distillguard.watermark.schemes import make_scheme

from tests.watermark._helpers import VOCAB


@pytest.mark.parametrize("name", ["kgw", "tournament"])
def test_null_p_values_are_calibrated(name, master, rng):
    # unmarked text under many keys: P(p < a) must be about a (at most), for several a
    pvals = []
    for i in range(300):
        scheme = make_scheme(name, derive_cohort_key(master, f"c{i}"), VOCAB, layers=8)
        pvals.append(score_tokens(scheme, rng.integers(0, VOCAB, 120)).p_value)
    pvals = np.array(pvals)
    for a in (0.05, 0.2, 0.5):
        # binomial 99.9% upper bound on the count for a valid test
        assert (pvals < a).sum() <= binom.ppf(0.999, len(pvals), a)
    assert (pvals < 0.5).mean() > 0.3  # and not trivially conservative


def test_p_value_is_the_exact_binomial_tail(key, rng):
    scheme = make_scheme("kgw", key, VOCAB, gamma=0.25)
    tokens = rng.integers(0, VOCAB, 60)
    d = score_tokens(scheme, tokens)
    contexts, targets = tokens[:-1, None], tokens[1:]
    greens = int(scheme.hits(contexts, targets).sum())
    assert d.tokens_scored == 59 and d.hits == greens
    assert d.p_value == pytest.approx(binom.sf(greens - 1, 59, 0.25))


def test_repeated_pairs_are_scored_once(key):
    scheme = make_scheme("kgw", key, VOCAB, context_width=2)
    once = score_tokens(scheme, [1, 2, 3, 4, 5])
    looped = score_tokens(scheme, [1, 2, 3, 4, 5] * 50)
    # the loop adds only the pairs that span the seams: (4,5)->1, (5,1)->2
    assert once.tokens_scored == 3 and looped.tokens_scored == 5
    assert score_tokens(scheme, [1, 2, 3, 4, 5] * 50, dedupe=False).tokens_scored == 248


def test_short_and_empty_texts(key):
    scheme = make_scheme("kgw", key, VOCAB, context_width=3)
    for tokens in ([], [7], [7, 8, 9]):
        d = score_tokens(scheme, tokens)
        assert d.tokens_scored == 0 and d.p_value == 1.0


def test_out_of_vocabulary_ids_are_dropped(key):
    scheme = make_scheme("kgw", key, 100)
    assert score_tokens(scheme, [1, 2, 500, 3]).tokens_scored == 1


def test_many_texts_pool_evidence(key, rng):
    scheme = make_scheme("kgw", key, VOCAB)
    texts = [rng.integers(0, VOCAB, 30) for _ in range(5)]
    pooled = score_many(scheme, texts)
    assert pooled.tokens_scored == sum(score_tokens(scheme, t).tokens_scored for t in texts)


def test_bad_scheme_parameters():
    with pytest.raises(ValueError, match="gamma"):
        make_scheme("kgw", b"k" * 32, VOCAB, gamma=1.5)
    with pytest.raises(ValueError, match="unknown scheme"):
        make_scheme("nope", b"k" * 32, VOCAB)


def test_first_context_scores_each_context_once(key):
    """A suspect that keeps returning to the same contexts is scored once per context."""
    from distillguard.watermark import radioactivity
    from distillguard.watermark.detect import first_per_context

    scheme = make_scheme("kgw", key, VOCAB, context_width=1)
    ctx = np.array([[5], [7], [5], [5], [9], [7]])
    tok = np.array([1, 2, 3, 1, 4, 8])
    c, t = first_per_context(ctx, tok)
    assert c.ravel().tolist() == [5, 7, 9] and t.tolist() == [1, 2, 4]
    gens = [[5, 1, 5, 2, 5, 3, 5, 4]]  # context 5 followed by four different tokens
    assert score_many(scheme, gens).tokens_scored == 7  # distinct (context, token) pairs
    assert radioactivity.black_box(scheme, gens).tokens_scored == 4  # contexts 5, 1, 2, 3
    assert radioactivity.black_box(scheme, gens, first_context=False).tokens_scored == 7
