"""`distillguard watermark semantic-*` end to end, with a stand-in sentence embedder (no MiniLM weights needed)."""

import hashlib
import json
import stat

import numpy as np
import pytest
from typer.testing import CliRunner

from distillguard.cli import app
from distillguard.watermark import semantic_cli
from distillguard.watermark.keys import derive_cohort_key, load_master_key
from distillguard.watermark.semantic import choose_sentence

runner = CliRunner()
WORDS = "river stone cloud market engine garden letter window bridge signal forest number paper light table music".split()


def fake_embed(texts):
    """A fixed random vector per sentence (what matters here is that it is deterministic)."""
    out = []
    for t in texts:
        seed = int.from_bytes(hashlib.sha256(t.encode()).digest()[:8], "big")
        v = np.random.default_rng(seed).standard_normal(semantic_cli.DIM)
        out.append(v / np.linalg.norm(v))
    return np.array(out)


def _sentence(rng) -> str:
    return " ".join(rng.choice(WORDS, size=6)).capitalize() + "."


@pytest.fixture
def keyfile(tmp_path, monkeypatch):
    monkeypatch.delenv("DISTILLGUARD_WM_KEY", raising=False)
    monkeypatch.delenv("DISTILLGUARD_WM_KEY_FILE", raising=False)
    monkeypatch.setattr(semantic_cli, "_embedder", lambda: fake_embed)
    path = tmp_path / "wm.key"  # a fixed key, so the regions (and this test) are the same on every run
    path.write_text(bytes(range(32)).hex() + "\n")
    path.chmod(0o600)
    return path


@pytest.fixture
def calibration(tmp_path, keyfile):
    rng = np.random.default_rng(0)
    plain = tmp_path / "plain.txt"
    plain.write_text("\n".join(" ".join(_sentence(rng) for _ in range(4)) for _ in range(60)))
    out = tmp_path / "acme.cal.json"
    res = runner.invoke(app, ["watermark", "semantic-calibrate", "--texts", str(plain), "--key-file", str(keyfile),
                              "--cohort", "acme", "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out


def _marked_text(keyfile, calibration, n=40, seed=1) -> str:
    """Sentences picked the way generation picks them: the first green one of 8 candidates."""
    scheme = semantic_cli.load_scheme(calibration, derive_cohort_key(load_master_key(keyfile), "acme"))
    rng, prev, out = np.random.default_rng(seed), -1, []
    for _ in range(n):
        cands = [_sentence(rng) for _ in range(8)]
        i, prev, _ = choose_sentence(scheme, prev, cands, fake_embed)
        out.append(cands[i])
    return " ".join(out)


def test_calibration_file_is_private_and_holds_no_key(calibration, keyfile):
    assert stat.S_IMODE(calibration.stat().st_mode) == 0o600
    data = json.loads(calibration.read_text())
    assert len(data["mass"]) == 16 and abs(sum(data["mass"]) - 1) < 1e-9 and len(data["center"]) == semantic_cli.DIM
    assert load_master_key(keyfile).hex() not in calibration.read_text()
    assert derive_cohort_key(load_master_key(keyfile), "acme").hex() not in calibration.read_text()


def test_detects_marked_text_and_not_plain_text(tmp_path, keyfile, calibration):
    marked = tmp_path / "marked.txt"
    marked.write_text(_marked_text(keyfile, calibration))
    res = runner.invoke(app, ["watermark", "semantic-detect", str(marked), "--calibration", str(calibration),
                              "--key-file", str(keyfile), "--cohort", "acme", "--json"])
    assert res.exit_code == 0, res.output
    found = json.loads(res.output)
    assert found["p_value"] < 1e-6 and found["sentences_scored"] >= 15 and found["green"] > found["sentences_scored"] / 2
    rng = np.random.default_rng(99)
    plain = " ".join(_sentence(rng) for _ in range(40))
    res = runner.invoke(app, ["watermark", "semantic-detect", "-", "--calibration", str(calibration),
                              "--key-file", str(keyfile), "--cohort", "acme", "--json"], input=plain)
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["p_value"] > 0.01


def test_calibration_of_another_cohort_is_refused(tmp_path, keyfile, calibration):
    text = tmp_path / "t.txt"
    text.write_text("One sentence here. Another sentence there.")
    res = runner.invoke(app, ["watermark", "semantic-detect", str(text), "--calibration", str(calibration),
                              "--key-file", str(keyfile), "--cohort", "globex"])
    assert res.exit_code == 2 and "another key or cohort" in res.output


def test_bad_input_fails_with_one_line(tmp_path, keyfile, calibration):
    short = tmp_path / "short.txt"
    short.write_text("Too little text to calibrate on.")
    res = runner.invoke(app, ["watermark", "semantic-calibrate", "--texts", str(short), "--key-file", str(keyfile),
                              "--out", str(tmp_path / "x.json")])
    assert res.exit_code == 2 and "at least 64" in res.output
    broken = tmp_path / "broken.json"
    data = json.loads(calibration.read_text())
    data["mass"] = data["mass"][:-1]
    broken.write_text(json.dumps(data))
    res = runner.invoke(app, ["watermark", "semantic-detect", str(short), "--calibration", str(broken),
                              "--key-file", str(keyfile), "--cohort", "acme"])
    assert res.exit_code == 2 and "malformed" in res.output
    res = runner.invoke(app, ["watermark", "semantic-generate", "hi", "--calibration", str(calibration),
                              "--key-file", str(keyfile), "--cohort", "acme", "--tries", "0"])
    assert res.exit_code == 2 and "--tries" in res.output
