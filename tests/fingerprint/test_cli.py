import json

import pytest
from typer.testing import CliRunner

from distillguard.cli import app

from .conftest import path_of

runner = CliRunner()


def _args(d, suspect="student"):
    args = ["fingerprint", "--suspect", str(path_of(d, suspect)), "--json", "--no-embeddings"]
    for f in ("alpha", "beta"):
        for k in range(3):
            args += ["--reference", f"{f}={path_of(d, f'{f}-{k}')}"]
    for k in range(8):
        args += ["--null", str(path_of(d, f"indep-{k}"))]
    return args


def test_json_output_has_the_documented_shape(world_dir, tmp_path):
    out = tmp_path / "r.json"
    res = runner.invoke(app, _args(world_dir) + ["--out", str(out)])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["closest"] == "alpha" and 0 <= data["p_value"] < 0.05
    assert {"reference", "score", "p_value"} <= set(data["ranking"][0])
    assert isinstance(data["evidence"], list) and data["evidence"]
    assert json.loads(out.read_text())["closest"] == "alpha"


def test_text_output_for_a_control(world_dir):
    # The control is built like the null models, so at alpha 0.05 it is attributed in about one
    # world in twenty (this world gives p ~ 0.04); the text format is what is tested here.
    args = [a for a in _args(world_dir, "control") if a != "--json"] + ["--alpha", "0.001"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "no family" in res.stdout


def test_bad_input_is_one_line_with_exit_2(world_dir, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"instruction": "x", "output": "y"}\n{"instruction": "z"}\n')
    args = _args(world_dir)
    args[args.index("--suspect") + 1] = str(bad)
    res = runner.invoke(app, args)
    assert res.exit_code == 2
    assert res.output.strip().count("\n") == 0
    assert "bad.jsonl:2: missing field 'output'" in res.output and "Traceback" not in res.output


def test_missing_suspect_is_explained(world_dir):
    res = runner.invoke(app, ["fingerprint", "--reference", f"a={path_of(world_dir, 'alpha-0')}"])
    assert res.exit_code == 2 and "--suspect" in res.output


def test_choose_probes_writes_probe_file(world_dir, tmp_path):
    out = tmp_path / "probes.jsonl"
    args = ["fingerprint", "--choose-probes", str(out), "--max-probes", "10", "--no-embeddings", "--json"]
    for f in ("alpha", "beta"):
        for k in range(3):
            args += ["-r", f"{f}={path_of(world_dir, f'{f}-{k}')}"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    lines = out.read_text().splitlines()
    assert len(lines) == 10 and all("instruction" in json.loads(x) for x in lines)
    report = json.loads(res.stdout)
    assert report["queries_needed"]["curve"][-1]["probes"] == 80


def test_endpoint_mode_end_to_end(world, world_dir, tmp_path, monkeypatch):
    pytest.importorskip("uvicorn")
    from .fake_openai import make_app, serve

    monkeypatch.setenv("DISTILLGUARD_CACHE", str(tmp_path / "cache"))
    probes = tmp_path / "probes.jsonl"
    probes.write_text("\n".join(json.dumps({"instruction": r["instruction"]}) for r in world["student"]))
    suspect_app = make_app({r["instruction"]: r["output"] for r in world["student"]})
    with serve(suspect_app) as url:
        args = _args(world_dir)
        i = args.index("--suspect")
        args[i : i + 2] = ["--suspect-endpoint", f"{url}#their-model", "--probes", str(probes)]
        res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["closest"] == "alpha"
    assert len(suspect_app.state.calls) == len(world["student"])


def test_reference_endpoint_joins_its_family(world, world_dir, tmp_path, monkeypatch):
    pytest.importorskip("uvicorn")
    from .fake_openai import make_app, serve

    monkeypatch.setenv("DISTILLGUARD_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("DISTILLGUARD_KEY_ALPHA", "k-alpha")
    probes = tmp_path / "probes.jsonl"
    probes.write_text("\n".join(json.dumps(r["instruction"]) for r in world["alpha-0"]))
    ref_app = make_app({r["instruction"]: r["output"] for r in world["alpha-0"]}, key="k-alpha")
    with serve(ref_app) as url:
        args = _args(world_dir)
        i = args.index(f"alpha={path_of(world_dir, 'alpha-0')}")
        args[i - 1 : i + 1] = ["--reference-endpoint", f"alpha={url}#a0", "--probes", str(probes)]
        res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["closest"] == "alpha" and data["n_prompts"] == len(world["alpha-0"])
    assert len(ref_app.state.calls) == len(world["alpha-0"])
    assert "k-alpha" not in res.output


def test_provider_needs_name_equals_provider(world_dir):
    res = runner.invoke(app, _args(world_dir) + ["--provider", "alpha"])
    assert res.exit_code == 2
    assert "--provider 'alpha': expected NAME=PROVIDER" in res.output
    assert "Traceback" not in res.output


def test_provider_siblings_leave_the_null(world_dir):
    """Declaring two null models alpha's siblings shrinks alpha's null by two."""
    base = json.loads(runner.invoke(app, _args(world_dir)).stdout)
    res = runner.invoke(app, _args(world_dir) + ["--provider", "alpha=acme", "--provider", "indep-0=acme", "--provider", "indep-1=acme"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    size = {r["reference"]: r["null_size"] for r in data["ranking"]}
    size0 = {r["reference"]: r["null_size"] for r in base["ranking"]}
    assert size["alpha"] == size0["alpha"] - 2 and size["beta"] == size0["beta"]
    assert "same --provider" in data["null"]


def test_handover_report_states_finding_method_and_this_runs_controls(world_dir, tmp_path):
    import os
    import stat

    report = tmp_path / "handover.md"
    res = runner.invoke(app, _args(world_dir) + ["--handover", str(report)])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    nc = data["null_check"]
    assert nc["models"] == 8 and nc["attributed"] <= 1  # independent models are not attributed
    text = report.read_text()
    assert stat.S_IMODE(os.stat(report).st_mode) == 0o600
    assert text.startswith("# Fingerprint report: student")
    assert "| alpha |" in text and "## Method" in text and "## Evidence shared with alpha" in text
    assert f"Each of the 8 null models was left out" in text
    assert text.count("| indep-") == 8
