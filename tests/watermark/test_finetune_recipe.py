"""The fine-tuning recipe (recipes/student/finetune_smollm2.py) on a tiny pretrained-style model.

A student fine-tuned on watermarked answers must carry the watermark (white-box p tiny); the
same fine-tune on unwatermarked answers must not; only the top blocks may change, and the loss
must be on answer tokens only (a prompt-only example would train nothing)."""

import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from distillguard.watermark import radioactivity
from distillguard.watermark.keys import derive_cohort_key
from distillguard.watermark.processors import make_processor
from distillguard.watermark.schemes import make_scheme

from tests.watermark._helpers import sample_watermarked

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "recipes" / "student"))
from finetune_smollm2 import FinetuneConfig, finetune, freeze_all_but_top  # noqa: E402

V = 96


class _Tok:
    pad_token_id = 0
    eos_token_id = 0


def _model(seed=0):
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    return LlamaForCausalLM(LlamaConfig(vocab_size=V, hidden_size=48, intermediate_size=96, num_hidden_layers=3,
                                        num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=256,
                                        tie_word_embeddings=True)).eval()


def _examples(answers):
    return [([1, 2, 3] + a, 3) for a in answers]


@pytest.fixture(scope="module")
def data():
    scheme = make_scheme("kgw", derive_cohort_key(bytes(range(32)), "acme"), V, gamma=0.25, delta=4.0, context_width=1)
    marked = [sample_watermarked(make_processor(scheme), V, 60, seed=s)[1:] for s in range(24)]
    rng = np.random.default_rng(0)
    plain = [rng.integers(4, V, 60).tolist() for _ in range(24)]
    return scheme, marked, plain


def test_only_top_blocks_are_trained():
    m = _model()
    before = {k: v.clone() for k, v in m.state_dict().items()}
    n = freeze_all_but_top(m, 1)
    assert n == sum(p.numel() for p in m.model.layers[-1].parameters()) + sum(p.numel() for p in m.model.norm.parameters())
    finetune(m, _Tok(), _examples([[5, 6, 7, 8] * 5]), FinetuneConfig(train_blocks=1, epochs=2, lr=1e-2, batch=1))
    after = m.state_dict()
    changed = {k for k in before if not torch.equal(before[k], after[k])}
    assert changed and all(k.startswith("model.layers.2.") or k.startswith("model.norm") for k in changed)


def test_finetuned_student_carries_the_watermark_and_control_does_not(data):
    scheme, marked, plain = data
    cfg = FinetuneConfig(train_blocks=2, epochs=12, lr=3e-3, batch=8)
    student = _model()
    finetune(student, _Tok(), _examples(marked), cfg)
    control = _model()
    finetune(control, _Tok(), _examples(plain), cfg)
    wb = radioactivity.reading_mode(scheme, marked[:12], radioactivity.hf_top1_predictor(student))
    wc = radioactivity.reading_mode(scheme, marked[:12], radioactivity.hf_top1_predictor(control))
    assert wb.p_value < 1e-6
    assert wc.p_value > 1e-3


def test_innocent_p_values_leave_out_only_the_guilty_key():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench.finetune_radioactivity_bench import GUILTY, innocent_p_values

    rows = [{"fraction": 0.25, "white_p_by_cohort": {GUILTY: 1e-9, "cohort-0": 0.4, "cohort-1": 0.7}},
            {"fraction": 0.0, "white_p_by_cohort": {GUILTY: 0.2, "cohort-0": 0.9}}]
    assert sorted(innocent_p_values(rows, "white")) == [0.2, 0.4, 0.7, 0.9]


def test_replay_test_is_reported_with_its_own_calibration_and_accusations():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench.finetune_radioactivity_bench import GUILTY, markdown

    def row(label, frac, replay_guilty):
        keys = {GUILTY: 0.5, "cohort-0": 0.5}
        r = {"student": label, "fraction": frac, "examples": 4, "watermarked_answer_tokens": 10 if frac else 0, "train_answer_tokens": 40,
             "white_box_p": 0.5, "white_box_pairs": 30, "white_accused": None, "white_p_by_cohort": keys}
        for mode in ("black", "replay"):
            r.update({f"{mode}_box_p": 0.5, f"{mode}_box_contexts": 20, f"{mode}_accused": None, f"{mode}_p_by_cohort": dict(keys),
                      f"{mode}_box_p_all_pairs": 0.4, f"{mode}_box_pairs": 25})
        r["replay_box_p"], r["replay_accused"] = replay_guilty, GUILTY if replay_guilty < 1e-3 else None
        r["replay_p_by_cohort"][GUILTY] = replay_guilty
        return r

    res = {"reduced": True, "rows": [row("100% watermarked", 1.0, 1e-7), row("control", 0.0, 0.3)],
           "config": {"guilty": GUILTY, "cohorts": 2, "finetune": {"train_blocks": 4, "epochs": 2, "lr": 2e-4}, "heldout": 2,
                      "answer_tokens": 8, "sizes": (4,)},
           "tracing": {"students": 2, "innocent_tests": 3, "false_accusations": {"white": 0, "black": 0, "replay": 0}, "bound": "x"},
           "seconds": 1.0, "cpu_seconds": 1.0}
    md = markdown(res)
    assert "| replay p |" in md and "1.0e-07 (20 contexts; 0.400 over 25 pairs)" in md
    assert "| replay | 3 |" in md  # innocent keys: one for the student, two for the control
    assert f"— / — / {GUILTY}" in md and "replay 0" in md


def test_recipe_cli_names_file_and_line_of_a_bad_pair(tmp_path, capsys):
    from finetune_smollm2 import main

    bad = tmp_path / "pairs.jsonl"
    bad.write_text('{"instruction": "q", "response": "a"}\n{"instruction": "q"}\n')
    assert main(["--train", str(bad), "--out", str(tmp_path / "student")]) == 2
    assert f"{bad}:2:" in capsys.readouterr().err
    assert not (tmp_path / "student").exists()
