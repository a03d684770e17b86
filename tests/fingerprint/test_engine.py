"""End-to-end attribution on synthetic models whose lineage we control."""

import pytest

from distillguard.fingerprint.engine import fingerprint
from distillguard.fingerprint.inputs import Family, InputError, ModelAnswers
from distillguard.fingerprint.signals import default_signals


def _m(world, name):
    return ModelAnswers(name, {r["instruction"]: r["output"] for r in world[name]})


def _setup(world, n_null=8):
    fams = [Family("alpha", [_m(world, f"alpha-{k}") for k in range(3)]), Family("beta", [_m(world, f"beta-{k}") for k in range(3)])]
    nulls = [_m(world, f"indep-{k}") for k in range(n_null)]
    return fams, nulls


@pytest.fixture(scope="module")
def signals():
    return default_signals(embeddings=False)


def test_student_is_attributed_to_the_family_it_copied(world, signals):
    fams, nulls = _setup(world)
    res = fingerprint(_m(world, "student"), fams, nulls, signals=signals)
    assert res["closest"] == "alpha"
    assert res["attributed"] == "alpha" and res["p_value"] < 0.05
    assert [r["reference"] for r in res["ranking"]] == ["alpha", "beta"]
    assert res["ranking"][1]["p_value"] > 0.05
    phrases = [e["phrase"] for e in res["evidence"] if e["signal"] == "phrases"]
    assert any("alphaish" in p for p in phrases), phrases


def test_independent_control_gets_no_family(world, signals):
    fams, nulls = _setup(world)
    # The control is drawn like the null models, so its p-value is uniform over worlds: at 0.05 one
    # world in twenty attributes it (this one gives p ~ 0.04: its answers are the longest). The rate
    # itself is measured on real models (the bench's null calibration); one world is held to a strict level.
    res = fingerprint(_m(world, "control"), fams, nulls, signals=signals, alpha=0.001)
    assert res["attributed"] is None and res["p_value"] >= 0.001
    assert res["verdict"].startswith("no family")


def test_references_alone_build_the_null_from_each_other(world, signals):
    fams, _ = _setup(world)
    res = fingerprint(_m(world, "student"), fams, [], signals=signals)
    assert res["closest"] == "alpha"
    # Null for alpha = the three beta models only: the p-value cannot go below what 3 models allow.
    assert res["ranking"][0]["null_size"] == 3


def test_one_family_without_null_models_is_refused(world, signals):
    fams, _ = _setup(world)
    with pytest.raises(InputError, match="null"):
        fingerprint(_m(world, "student"), fams[:1], [], signals=signals)


def test_prompt_limit_is_applied(world, signals):
    fams, nulls = _setup(world)
    res = fingerprint(_m(world, "student"), fams, nulls, signals=signals, max_prompts=30)
    assert res["n_prompts"] == 30


def test_same_file_as_suspect_and_reference_is_not_a_crash(world, signals):
    fams, nulls = _setup(world)
    res = fingerprint(_m(world, "alpha-0"), fams, nulls, signals=signals)
    # A copy of a family member is as close to that family as anything can be.
    assert res["closest"] == "alpha" and res["attributed"] == "alpha"
