"""A family's null must hold independent models only: siblings of the same provider are left out."""

import numpy as np
import pytest

from distillguard.fingerprint.engine import related_models
from distillguard.fingerprint.inputs import InputError
from distillguard.fingerprint.stats import score_suspect


def _sims(seed=3):
    """0: suspect (copies family a), 1-3 family a, 4: a's sibling (same provider), 5-14 independent."""
    rng = np.random.default_rng(seed)
    n = 15
    base = rng.normal(scale=0.1, size=(n, n))
    sim = (base + base.T) / 2
    a = [1, 2, 3]
    sim[np.ix_(a, a)] += 0.8
    for other in (0, 4):  # the suspect and the sibling are both close to family a
        sim[other, a] += 0.6
        sim[a, other] += 0.6
    return {"s": sim}, {"a": a}


def test_a_sibling_in_the_null_hides_a_real_student():
    sims, fams = _sims()
    pool = list(range(1, 15))
    with_sibling = score_suspect(sims, fams, 0, pool)[0]
    without = score_suspect(sims, fams, 0, pool, related={"a": {4}})[0]
    assert with_sibling.exceedances >= 1 and with_sibling.p_value > 0.05
    assert without.n_null == with_sibling.n_null - 1
    assert without.p_value < 0.01


def test_related_models_groups_families_and_null_models_by_provider():
    names = ["suspect", "g35", "g4", "claude", "davinci-001", "indep"]
    fams = {"chatgpt": [1], "gpt4": [2], "claude": [3]}
    rel = related_models({"chatgpt": "openai", "gpt4": "openai", "davinci-001": "openai"}, fams, names, [4, 5])
    assert rel["chatgpt"] == {2, 4} and rel["gpt4"] == {1, 4}
    assert rel["claude"] == set()  # no provider given: its own


def test_related_models_rejects_an_unknown_name():
    with pytest.raises(InputError, match="gpt5"):
        related_models({"gpt5": "openai"}, {"chatgpt": [1]}, ["s", "g35"], [])
