"""The command line, end to end, with the bundled tokenizer (no model weights needed for detection)."""

import json

import pytest
from typer.testing import CliRunner

from distillguard.cli import app
from distillguard.watermark.detect import score_tokens
from distillguard.watermark.keys import derive_cohort_key, load_master_key
from distillguard.watermark.processors import KGWLogitsProcessor
from distillguard.watermark.schemes import make_scheme
from distillguard.watermark.textio import encode, load_tokenizer

from tests.watermark._helpers import sample_watermarked

runner = CliRunner()


@pytest.fixture(scope="module")
def tok():
    return load_tokenizer("smollm2")


@pytest.fixture
def keyfile(tmp_path, monkeypatch):
    monkeypatch.delenv("DISTILLGUARD_WM_KEY", raising=False)
    monkeypatch.delenv("DISTILLGUARD_WM_KEY_FILE", raising=False)
    path = tmp_path / "wm.key"
    result = runner.invoke(app, ["watermark", "keygen", "--out", str(path)])
    assert result.exit_code == 0
    assert load_master_key(path).hex() not in result.output  # the key itself is never printed
    return path


@pytest.fixture(scope="module")
def words(tok):
    """Plain lower-case word tokens, so sampled text re-tokenises the same way."""
    pieces = tok.convert_ids_to_tokens(list(range(300, 8000)))
    return [i for i, p in zip(range(300, 8000), pieces) if p.startswith("Ġ") and p[1:].isalpha() and p[1:].islower()]


def _watermarked_text(tok, words, keyfile, cohort, n=120):
    import numpy as np

    scheme = make_scheme("kgw", derive_cohort_key(load_master_key(keyfile), cohort), len(tok))
    rng = np.random.default_rng(0)
    seq = [words[0]]
    for _ in range(n):
        green = scheme.green_mask(np.array([[seq[-1]]]))[0][words]
        weights = np.where(green, 8.0, 1.0)
        seq.append(words[rng.choice(len(words), p=weights / weights.sum())])
    return tok.decode(seq)


def test_detect_json_and_cohort_specificity(tok, words, keyfile, tmp_path):
    text = tmp_path / "answer.txt"
    text.write_text(_watermarked_text(tok, words, keyfile, "acme"))
    ok = runner.invoke(app, ["watermark", "detect", str(text), "--key-file", str(keyfile), "--cohort", "acme", "--json"])
    assert ok.exit_code == 0, ok.output
    payload = json.loads(ok.output)
    assert set(payload) == {"p_value", "tokens_scored", "score"}
    assert payload["p_value"] < 1e-6 and payload["tokens_scored"] > 100
    other = runner.invoke(app, ["watermark", "detect", str(text), "--key-file", str(keyfile), "--cohort", "globex", "--json"])
    assert json.loads(other.output)["p_value"] > 1e-3
    plain = runner.invoke(app, ["watermark", "detect", "-", "--key-file", str(keyfile)], input="A short human sentence.")
    assert plain.exit_code == 0 and "p-value" in plain.output


def test_trace_black_box_names_the_cohort(tok, words, keyfile, tmp_path):
    suspect = tmp_path / "suspect.jsonl"
    suspect.write_text("\n".join(json.dumps({"text": _watermarked_text(tok, words, keyfile, "c3", 60)}) for _ in range(2)))
    res = runner.invoke(app, ["watermark", "trace", "--cohorts", "c0,c1,c2,c3", "--suspect-texts", str(suspect),
                              "--key-file", str(keyfile), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["accused"] == "c3" and out["threshold"] == pytest.approx(0.01 / 4)


def test_trace_handover_report_names_cohort_method_and_controls(tok, words, keyfile, tmp_path):
    import os
    import stat

    suspect = tmp_path / "suspect.jsonl"
    suspect.write_text("\n".join(json.dumps({"text": _watermarked_text(tok, words, keyfile, "c3", 60)}) for _ in range(2)))
    control = tmp_path / "control.jsonl"
    rng = __import__("random").Random(4)
    control.write_text("\n".join(json.dumps({"text": tok.decode([rng.choice(words) for _ in range(80)])}) for _ in range(3)))
    report = tmp_path / "case.md"
    res = runner.invoke(app, ["watermark", "trace", "--cohorts", "c0,c1,c2,c3", "--suspect-texts", str(suspect),
                              "--control-texts", str(control), "--handover", str(report), "--key-file", str(keyfile), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["accused"] == "c3" and out["control"]["accused"] is None
    text = report.read_text()
    assert "cohort 'c3'" in text and "## Method" in text and "## Controls in this run" in text
    assert "accused nobody, as it should" in text and "exact upper tail" in text
    assert stat.S_IMODE(os.stat(report).st_mode) == 0o600
    assert keyfile.read_text().strip() not in text  # key ids only, never the key


def test_trace_control_must_match_the_suspects_mode(keyfile, tmp_path):
    suspect = tmp_path / "s.jsonl"
    suspect.write_text(json.dumps({"text": "hello there"}) + "\n")
    res = runner.invoke(app, ["watermark", "trace", "--cohorts", "a,b", "--suspect-texts", str(suspect),
                              "--control-model", "smollm2", "--key-file", str(keyfile)])
    assert res.exit_code == 2 and "tested like the suspect" in res.output


@pytest.mark.parametrize("args, message", [
    (["detect", "/no/such/file"], "no such file"),
    (["radioactivity", "--suspect-model", "m"], "needs --reference"),
    (["detect", "-", "--scheme", "bogus"], "unknown scheme"),
    (["detect", "-", "--gamma", "2"], "gamma"),
    (["radioactivity"], "exactly one of"),
    (["trace", "--cohorts", "a,a", "--suspect-texts", "x.jsonl"], "distinct"),
])
def test_bad_input_is_one_clear_line(args, message, keyfile):
    res = runner.invoke(app, ["watermark", *args, "--key-file", str(keyfile)], input="text")
    assert res.exit_code == 2
    assert message in res.output and "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_missing_key_is_reported(monkeypatch):
    monkeypatch.delenv("DISTILLGUARD_WM_KEY", raising=False)
    monkeypatch.delenv("DISTILLGUARD_WM_KEY_FILE", raising=False)
    res = runner.invoke(app, ["watermark", "detect", "-"], input="hello")
    assert res.exit_code == 2 and "no watermark key" in res.output


def test_help_is_available_for_every_command():
    for cmd in ("keygen", "generate", "detect", "radioactivity", "trace"):
        res = runner.invoke(app, ["watermark", cmd, "--help"])
        assert res.exit_code == 0 and "Usage" in res.output


def test_recipe_student_is_caught_by_white_box_radioactivity(tok, words, keyfile, tmp_path):
    import importlib.util
    from pathlib import Path

    served = tmp_path / "served.jsonl"
    served.write_text("\n".join(json.dumps({"text": _watermarked_text(tok, words, keyfile, "acme", 150)}) for _ in range(1)))
    spec = importlib.util.spec_from_file_location("train_student", Path(__file__).parents[2] / "recipes/student/train_student.py")
    recipe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recipe)
    out = tmp_path / "student"
    assert recipe.main(["--teacher-texts", str(served), "--out", str(out), "--hidden", "64", "--layers", "1",
                        "--block", "32", "--epochs", "40", "--lr", "1e-2"]) == 0
    assert recipe.main(["--teacher-texts", str(served), "--out", str(out)]) == 2  # never overwrites
    args = ["watermark", "radioactivity", "--suspect-model", str(out), "--reference", str(served), "--key-file", str(keyfile), "--json"]
    caught = json.loads(runner.invoke(app, [*args, "--cohort", "acme"]).stdout)
    spared = json.loads(runner.invoke(app, [*args, "--cohort", "globex"]).stdout)
    assert caught["mode"] == "white-box reading mode"
    assert caught["p_value"] < 1e-4 and spared["p_value"] > 1e-3
