import numpy as np
import pytest
import torch

from distillguard.watermark.detect import score_tokens
from distillguard.watermark.keys import derive_cohort_key
from distillguard.watermark.processors import KGWLogitsProcessor, TournamentLogitsProcessor, tournament_distribution
from distillguard.watermark.schemes import make_scheme
from distillguard.watermark.vllm_adapter import RequestWatermark

from tests.watermark._helpers import VOCAB, sample_watermarked


def test_kgw_adds_delta_to_exactly_the_green_list(key):
    scheme = make_scheme("kgw", key, VOCAB, gamma=0.3, delta=1.5, context_width=2)
    proc = KGWLogitsProcessor(scheme)
    scores = torch.randn(2, VOCAB)
    ids = torch.tensor([[9, 1, 2], [9, 3, 4]])
    out = proc(ids, scores)
    green = scheme.green_mask(np.array([[1, 2], [3, 4]]))
    diff = (out - scores).numpy()
    assert np.allclose(diff[green], 1.5) and np.allclose(diff[~green], 0.0)
    assert abs(green.mean() - 0.3) < 0.02
    assert not np.array_equal(green[0], green[1])  # the list depends on the context


@pytest.mark.parametrize("name", ["kgw", "tournament"])
def test_sampled_text_is_detected_only_with_the_right_key(name, master):
    key = derive_cohort_key(master, "acme")
    scheme = make_scheme(name, key, VOCAB, layers=12)
    proc = KGWLogitsProcessor(scheme) if name == "kgw" else TournamentLogitsProcessor(scheme)
    seq = sample_watermarked(proc, VOCAB, 150, seed=3)
    assert score_tokens(scheme, seq).p_value < 1e-6
    other = make_scheme(name, derive_cohort_key(master, "globex"), VOCAB, layers=12)
    assert score_tokens(other, seq).p_value > 1e-3


def test_tournament_closed_form_matches_a_simulated_tournament():
    rng = np.random.default_rng(0)
    k, layers = 5, 3
    probs = rng.dirichlet(np.ones(k))
    g = rng.integers(0, 2, (k, layers))
    # simulate: 2**layers i.i.d. candidates, winners by g of each layer, ties broken at random
    trials = 60000
    cand = rng.choice(k, size=(trials, 2**layers), p=probs)
    for layer in range(layers):
        a, b = cand[:, 0::2], cand[:, 1::2]
        ga, gb = g[a, layer], g[b, layer]
        coin = rng.random(a.shape) < 0.5
        cand = np.where((ga > gb) | ((ga == gb) & coin), a, b)
    empirical = np.bincount(cand[:, 0], minlength=k) / trials
    exact = tournament_distribution(torch.tensor(probs)[None], torch.tensor(g)[None]).numpy()[0]
    assert np.allclose(empirical, exact, atol=0.01)


def test_tournament_keeps_only_top_k(key):
    scheme = make_scheme("tournament", key, VOCAB, top_k=8, layers=4)
    out = TournamentLogitsProcessor(scheme)(torch.tensor([[1]]), torch.randn(1, VOCAB))
    assert torch.isfinite(out).sum() == 8
    assert torch.allclose(torch.softmax(out, -1).sum(), torch.tensor(1.0))


def test_vllm_request_adapter_matches_hf_processor(key):
    scheme = make_scheme("kgw", key, VOCAB, context_width=2)
    adapter = RequestWatermark(scheme, prompt_token_ids=[5, 6, 7])
    row = torch.randn(VOCAB)
    # first output step: context is the prompt tail
    expected = KGWLogitsProcessor(scheme)(torch.tensor([[6, 7]]), row[None])[0]
    assert torch.allclose(adapter([], row), expected)
    expected = KGWLogitsProcessor(scheme)(torch.tensor([[7, 42]]), row[None])[0]
    assert torch.allclose(adapter([42], row), expected)
    assert torch.equal(RequestWatermark(scheme)([], row), row)  # no context yet: untouched


def test_cached_green_lists_equal_fresh_ones(key):
    scheme = make_scheme("kgw", key, VOCAB, context_width=1)
    scheme.cache_size = 3
    contexts = np.array([[1], [2], [1], [3], [4], [1], [2]])
    first = scheme.green_mask(contexts)
    again = scheme.green_mask(contexts)
    fresh = scheme.hasher.vocab_words(scheme.hasher.seeds(contexts)) < scheme._threshold
    assert np.array_equal(first, fresh) and np.array_equal(again, fresh)
    assert len(scheme._cache) <= 3
