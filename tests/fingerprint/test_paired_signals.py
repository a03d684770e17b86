"""Prompt-by-prompt signals: a student that copies the teacher's choices per prompt is close to it,
a model with the same average habits but other per-prompt choices is not."""

import random

import numpy as np

from distillguard.fingerprint.corpus import Corpus
from distillguard.fingerprint.signals import default_signals
from distillguard.fingerprint.signals.paired import LengthProfileSignal, OpeningsSignal, PairedStyleSignal, opening

WORDS = "alpha beta gamma delta river stone cloud market engine garden".split()
OPENINGS = ["Sure here is", "Certainly the answer", "Well it depends", "In short yes", "Great question so"]


def _corpus(n_prompts=120, n_bg=8, seed=0):
    rng = random.Random(seed)
    teacher_len = [rng.randint(5, 80) for _ in range(n_prompts)]
    teacher_open = [rng.choice(OPENINGS) for _ in range(n_prompts)]
    teacher_list = [rng.random() < 0.5 for _ in range(n_prompts)]

    def answer(length, op, bullets):
        body = " ".join(rng.choice(WORDS) for _ in range(length))
        return f"{op} {body}." + ("\n- one point\n- another point" if bullets else "")

    rows, names = [], []
    for b in range(n_bg):  # independent models: their own per-prompt choices
        names.append(f"bg{b}")
        rows.append([answer(rng.randint(5, 80), rng.choice(OPENINGS), rng.random() < 0.5) for _ in range(n_prompts)])
    names.append("teacher")
    rows.append([answer(teacher_len[p], teacher_open[p], teacher_list[p]) for p in range(n_prompts)])
    names.append("student")  # the teacher's choices, with noise
    rows.append([answer(max(1, teacher_len[p] + rng.randint(-5, 5)), teacher_open[p] if rng.random() < 0.7 else rng.choice(OPENINGS),
                        teacher_list[p] if rng.random() < 0.8 else not teacher_list[p]) for p in range(n_prompts)])
    names.append("shuffled")  # the same lengths, openings and lists as the teacher, on other prompts
    perm = list(range(n_prompts))
    rng.shuffle(perm)
    rows.append([answer(teacher_len[q], teacher_open[q], teacher_list[q]) for q in perm])
    corpus = Corpus(names, [f"prompt {p}" for p in range(n_prompts)], rows)
    return corpus, list(range(n_bg + 1))  # background: independent models and the teacher


def test_per_prompt_signals_tell_a_copy_of_choices_from_the_same_average():
    corpus, bg = _corpus()
    t, s, sh = corpus.index("teacher"), corpus.index("student"), corpus.index("shuffled")
    for signal in (LengthProfileSignal(), PairedStyleSignal(), OpeningsSignal()):
        sim = signal.prepare(corpus, bg).similarity()
        others = [sim[s, b] for b in range(8)]
        assert sim[s, t] > max(others), signal.name
        assert sim[s, t] > sim[sh, t] + 0.1, signal.name  # a profile signal cannot tell these apart; these can


def test_similarity_on_a_subset_of_prompts_and_evidence():
    corpus, bg = _corpus()
    prep = LengthProfileSignal().prepare(corpus, bg)
    sub = prep.similarity(np.arange(30))
    assert sub.shape == (corpus.n_models, corpus.n_models)
    assert np.allclose(np.diag(sub), 1.0)
    ev = prep.evidence(corpus.index("student"), corpus.index("teacher"))
    assert ev and ev[0]["habit"] == "log_words" and ev[0]["suspect_z"] * ev[0]["reference_z"] > 0
    ev_open = OpeningsSignal().prepare(corpus, bg).evidence(corpus.index("student"), corpus.index("teacher"))
    assert all(e["background_share"] < 0.2 for e in ev_open)


def test_openings_are_the_first_words_and_opt_in():
    assert opening("Sure! Here's a plan: first...") == "sure here's a"
    assert opening("") == ""
    names = [s.name for s in default_signals(embeddings=False)]
    assert "length_profile" not in names
    assert {"length_profile", "paired_style", "openings"} <= {s.name for s in default_signals(embeddings=False, paired=True)}
