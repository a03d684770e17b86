"""The lineage candidates of bench/fingerprint_lineage_bench.py: cross-fitting, markers, nearest-teacher votes."""

from types import SimpleNamespace

import numpy as np

from bench.fingerprint_lineage_bench import deera_sim, marker_sim, nearest_teacher


def test_deera_row_of_a_background_model_uses_axes_fitted_without_it():
    # Model 0 and model 1 share an extreme direction that only model 0 carries in the background:
    # fitted with model 0, that direction is the first axis and their similarity vanishes;
    # cross-fitted (axes without model 0), the shared direction stays visible in model 0's row.
    rng = np.random.default_rng(0)
    v = rng.standard_normal((12, 30)) * 0.1
    v[0, 0] = v[1, 0] = 10.0
    background = [0, *range(2, 12)]  # model 1 is the suspect, outside the background
    cross = deera_sim(v, background, k=1)
    full = deera_sim(v, list(range(12)), k=1)  # model 1 in the fit too: nothing left to share
    assert cross[0, 1] > 0.9
    assert full[0, 1] < 0.5


def test_markers_score_a_model_that_uses_the_family_phrases():
    # 3 families of one model, 2 anchors; columns 0-4 are family 0's phrases, unused by the anchors.
    n, cols = 7, 20
    lo = np.full((n, cols), -3.0)
    lo[0, :5] = 0.0  # family 0 member
    lo[5, :5] = -0.5  # a model using family 0's phrases
    rates = 1 / (1 + np.exp(-lo))
    setup = SimpleNamespace(families={"a": [0], "b": [1], "c": [2]})
    sim = marker_sim(setup, lo, rates, anchors=[3, 4], students_of=None)
    assert sim[5, 0] > 0.5 and abs(sim[6, 0]) < 1e-9  # mean over every kept column (here all 20)


def test_nearest_teacher_votes_are_shares_and_never_for_oneself():
    rng = np.random.default_rng(1)
    per = rng.random((9, 6, 6)).astype(np.float32)
    setup = SimpleNamespace(families={"a": [0, 1], "b": [2]})
    votes = nearest_teacher(setup, per)
    assert np.allclose(votes.sum(1), 1.0)
    assert votes[0, 0] == votes[1, 1] == votes[2, 2] == 0.0
    assert votes[:, 3:].sum() == 0.0  # only teachers receive votes


def test_a_control_is_scored_without_itself_or_its_sibling_among_the_anchors():
    from bench.fingerprint_lineage_bench import Setup

    names = ["guanaco-13b", "oasst-sft-pythia-12b", "llama-2-7b-chat-hf", "llama-2-13b-chat-hf", "vicuna-7b"]
    fake = SimpleNamespace(names=names, controls=names[:4])
    assert Setup.anchors_for(fake, "oasst-sft-pythia-12b") == [2, 3]
    assert Setup.anchors_for(fake, "llama-2-7b-chat-hf") == [0, 1]
    assert Setup.anchors_for(fake, "vicuna-7b") == [0, 1, 2, 3]
