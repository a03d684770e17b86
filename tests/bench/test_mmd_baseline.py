"""The MMD baseline on known distributions: calibrated under the null, powerful under a shift."""

from __future__ import annotations

import numpy as np
import pytest

from bench.mmd_baseline import MMDDetector, median_bandwidth, mmd2_unbiased, permutation_test


def test_same_distribution_gives_roughly_uniform_p_values():
    rng = np.random.default_rng(0)
    p = []
    for _ in range(60):
        x, y = rng.normal(size=(40, 5)), rng.normal(size=(40, 5))
        sigma = median_bandwidth(np.concatenate([x, y]), rng)
        p.append(permutation_test(x, y, [sigma], rng, permutations=100))
    p = np.array(p)
    assert 0.35 < p.mean() < 0.65
    assert (p < 0.05).mean() <= 0.15
    assert (p > 0.5).mean() >= 0.3


def test_shifted_distribution_gives_small_p():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(40, 5)), rng.normal(loc=0.8, size=(40, 5))
    sigma = median_bandwidth(np.concatenate([x, y]), rng)
    assert permutation_test(x, y, [sigma], rng, permutations=200) < 0.01


def test_unbiased_estimate_is_centred_and_symmetric():
    rng = np.random.default_rng(2)
    sigmas = [1.0, 2.0]
    same = [mmd2_unbiased(rng.normal(size=(30, 3)), rng.normal(size=(30, 3)), sigmas) for _ in range(200)]
    assert abs(np.mean(same)) < 3 * np.std(same) / np.sqrt(len(same))  # unbiased: mean 0 under the null
    assert min(same) < 0  # an unbiased estimate goes negative; a biased one never does
    x, y = rng.normal(size=(20, 3)), rng.normal(loc=1.0, size=(25, 3))
    assert mmd2_unbiased(x, y, sigmas) == pytest.approx(mmd2_unbiased(y, x, sigmas))
    with pytest.raises(ValueError):
        mmd2_unbiased(x[:1], y, sigmas)


def test_detector_holds_its_false_positive_rate_and_catches_a_mixture():
    rng = np.random.default_rng(3)
    reference = rng.normal(size=(1000, 8))
    detector = MMDDetector(reference, seed=4, null_samples=300, reference_repeats=3)
    threshold = detector.threshold(50, fpr=0.05)
    benign = [detector.score(rng.normal(size=(50, 8))) for _ in range(100)]
    assert np.mean(np.array(benign) > threshold) <= 0.12
    shifted = np.concatenate([rng.normal(size=(25, 8)), rng.normal(loc=1.5, size=(25, 8))])
    score = detector.score(shifted)
    assert score > threshold and detector.p_value(score, 50) < 0.01
    assert detector.standardised(score, 50) > detector.standardised(benign[0], 50)
