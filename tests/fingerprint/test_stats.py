import numpy as np

from distillguard.fingerprint.stats import holm, score_suspect, tail_p_value


def test_empirical_p_counts_exceedances_with_correction():
    null = np.arange(19, dtype=float)  # 0..18
    p, p_emp, k = tail_p_value(15.0, null)
    assert k == 4 and p == p_emp == 5 / 20


def test_t_tail_beyond_the_null_is_smaller_than_one_over_n_plus_one():
    rng = np.random.default_rng(0)
    null = rng.normal(size=30)
    p_far, _, k = tail_p_value(8.0, null)
    assert k == 0 and p_far < 1e-4
    p_near, _, _ = tail_p_value(null.max() + 1e-9, null)
    assert p_near <= 1 / 31


def test_p_values_are_calibrated_for_exchangeable_models():
    """A model drawn from the same distribution as the null is 'significant' at ~alpha."""
    rng = np.random.default_rng(1)
    ps = np.array([tail_p_value(rng.normal(), rng.normal(size=35))[0] for _ in range(4000)])
    # Never anti-conservative; below 1/(n+1) the t tail keeps the rate close to alpha.
    assert np.mean(ps < 0.05) <= 0.06
    assert np.mean(ps < 0.10) <= 0.11
    assert 0.005 < np.mean(ps < 0.01) < 0.016


def test_holm_matches_hand_computation():
    assert np.allclose(holm([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06])
    assert holm([0.5]) == [0.5]


def test_score_suspect_ranks_the_family_it_copies():
    rng = np.random.default_rng(2)
    n = 14  # 0: suspect, 1-3 family a, 4-6 family b, 7-13 independent
    base = rng.normal(scale=0.1, size=(n, n))
    sim = (base + base.T) / 2
    sim[np.ix_([1, 2, 3], [1, 2, 3])] += 0.8
    sim[np.ix_([4, 5, 6], [4, 5, 6])] += 0.8
    sim[0, [1, 2, 3]] += 0.9
    sim[[1, 2, 3], 0] += 0.9
    scores = score_suspect({"s": sim}, {"a": [1, 2, 3], "b": [4, 5, 6]}, 0, list(range(1, n)))
    assert scores[0].family == "a" and scores[0].p_adjusted < 0.05
    assert scores[1].family == "b" and scores[1].score < scores[0].score - 2
    assert scores[0].n_null == n - 1 - 3
