"""CLI honesty for simulate, intel export/match and the configuration: one line for a user's mistake, progress with ETA,
and one line naming the extra to install when a command's optional dependency is missing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from distillguard.cli import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_a_misspelt_config_key_is_an_error_with_a_suggestion(tmp_path):
    from distillguard.detectors.registry import load_config

    config = tmp_path / "cfg.yaml"
    config.write_text("policy:\n  flag_threshhold: 0.7\n")
    with pytest.raises(ValueError, match=r"policy\.flag_threshhold: unknown key; did you mean 'flag_threshold'\?"):
        load_config(config)
    config.write_text("linkng:\n  enabled: false\ndetectors:\n  timing_pattern: {wieght: 0.2}\n")
    with pytest.raises(ValueError) as caught:
        load_config(config)
    assert "did you mean 'linking'" in str(caught.value) and "detectors.timing_pattern.wieght" in str(caught.value)
    config.write_text("policy:\n  flag_threshold: 0.7\nstore:\n  request_retention_days: 7\n")
    assert load_config(config)["policy"]["flag_threshold"] == 0.7  # known keys still load


def test_scan_with_a_misspelt_key_exits_non_zero_in_one_line(tmp_path):
    events = tmp_path / "e.jsonl"
    events.write_text(json.dumps({"request_id": "r1", "ts": "2026-01-01T00:00:00Z", "account_id": "a",
                                  "request": {"messages": [{"role": "user", "content": "hi"}]}}) + "\n")
    config = tmp_path / "cfg.yaml"
    config.write_text("policy:\n  flag_threshhold: 0.7\n")
    result = runner.invoke(app, ["scan", str(events), "--config", str(config), "--out", str(tmp_path / "v.jsonl"), "--no-db"])
    assert result.exit_code != 0
    assert "flag_threshold" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("args, message", [
    (["--days", "0"], "--days must be at least 1 (got 0)"),
    (["--legit-accounts", "-3"], "--legit-accounts must be at least 0"),
    (["--requests-per-account", "0"], "--requests-per-account must be at least 1"),
    (["--cover-share", "1.5"], "--cover-share is a share between 0 and 1"),
])
def test_simulate_rejects_bad_numbers_in_one_line(tmp_path, args, message):
    result = runner.invoke(app, ["simulate", "--out", str(tmp_path / "sim"), *args])
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "sim").exists()


def test_simulate_into_a_file_is_one_line(tmp_path):
    target = tmp_path / "taken"
    target.write_text("x")
    result = runner.invoke(app, ["simulate", "--out", str(target), "--legit-accounts", "5"])
    assert result.exit_code == 2 and "is a file" in result.output and "Traceback" not in result.output


def test_simulate_reports_progress_with_percentage_and_eta(tmp_path):
    result = runner.invoke(app, ["simulate", "--out", str(tmp_path / "sim"), "--legit-accounts", "40", "--days", "2",
                                 "--requests-per-account", "10"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("simulating accounts:")]
    assert len(lines) >= 5 and "100%" in lines[-1]
    assert any("ETA" in line and "%" in line for line in lines[:-1])


@pytest.fixture(scope="module")
def intel_inputs(tmp_path_factory):
    from distillguard.pipeline import scan
    from distillguard.simulate.simulator import CampaignSpec, SimConfig, simulate

    d = tmp_path_factory.mktemp("intel")
    simulate(SimConfig(seed=4, legit_accounts=20, volume_scale=0.2,
                       campaigns=[CampaignSpec("synthetic-instruction-harvest", sybils=5, requests_per_account=30)]), d / "sim")
    scan(d / "sim" / "events.jsonl", out=d / "verdicts.jsonl", workers=1)
    assert runner.invoke(app, ["intel", "keys", "init", "--file", str(d / "keys.json")]).exit_code == 0
    return d


def test_intel_export_into_a_missing_folder_and_progress(intel_inputs, tmp_path):
    d = intel_inputs
    out = tmp_path / "missing" / "dir" / "bundle.json"
    result = runner.invoke(app, ["intel", "export", str(d / "verdicts.jsonl"), str(d / "sim" / "events.jsonl"), "--keys",
                                 str(d / "keys.json"), "--provider", "A", "--out", str(out)])
    assert result.exit_code == 0, result.output  # used to print a FileNotFoundError traceback
    assert out.exists() and "Traceback" not in result.output
    assert any(line.startswith("reading events.jsonl:") and "%" in line for line in result.output.splitlines())
    matches = tmp_path / "other" / "matches.jsonl"
    result = runner.invoke(app, ["intel", "match", str(out), "--events", str(d / "sim" / "events.jsonl"), "--keys", str(d / "keys.json"),
                                 "--out", str(matches)])
    assert result.exit_code == 0, result.output
    assert matches.exists() and any(line.startswith("matching events.jsonl:") for line in result.output.splitlines())


def test_intel_export_to_an_unwritable_place_is_one_line(intel_inputs, tmp_path):
    d = intel_inputs
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, ["intel", "export", str(d / "verdicts.jsonl"), str(d / "sim" / "events.jsonl"), "--keys",
                                 str(d / "keys.json"), "--provider", "A", "--out", str(blocker / "bundle.json")])
    assert result.exit_code == 2 and "cannot write" in result.output and "Traceback" not in result.output


def _run_without(modules: list[str], argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """Run the real entry point with some optional modules made unimportable."""
    code = ("import sys\n" + "".join(f"sys.modules[{m!r}] = None\n" for m in modules)
            + f"sys.argv = ['distillguard'] + {argv!r}\nfrom distillguard.cli import main\nmain()\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=cwd, env=env)


def test_serve_without_the_services_extra_says_what_to_install_in_one_line(tmp_path):
    from distillguard.dashboard.auth import UserStore
    from distillguard.store.duckdb_store import Store

    Store(tmp_path / "s.duckdb").close()
    UserStore(tmp_path / "users.yaml").add("al", "admin", "long-enough-password")
    result = _run_without(["uvicorn"], ["serve", "--db", str(tmp_path / "s.duckdb"), "--users", str(tmp_path / "users.yaml")], tmp_path)
    assert result.returncode == 3
    assert result.stderr.strip() == ("error: `distillguard serve` needs the 'services' extra (missing module 'uvicorn'): "
                                     "pip install 'distillguard[services]'  (or `make setup` for all extras)")


def test_hub_without_the_intel_extra_names_intel(tmp_path):
    (tmp_path / "hub.yaml").write_text("providers: {}\n")
    result = _run_without(["uvicorn"], ["hub", "--config", str(tmp_path / "hub.yaml")], tmp_path)
    assert result.returncode == 3 and "pip install 'distillguard[intel]'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_hint_names_the_extra_of_each_optional_module():
    from distillguard.missing_extra import hint

    assert "distillguard[watermark]" in hint("transformers", "watermark")
    assert "distillguard[fingerprint]" in hint("sentence_transformers.models", "fingerprint")
    assert "distillguard[engines]" in hint("pyspark", "spark")
    assert "distillguard[intel]" in hint("httpx", "intel") and "distillguard[services]" in hint("httpx", "serve")
    assert "make setup" in hint("torch", "watermark")


@pytest.fixture(scope="module")
def scanned_store(tmp_path_factory):
    from distillguard.pipeline import scan
    from distillguard.simulate.simulator import simulate
    from tests.dashboard.store_builder import plant_secrets, sim_config

    d = tmp_path_factory.mktemp("cli-store")
    simulate(sim_config(seed=13), d / "sim")
    plant_secrets(d / "sim" / "events.jsonl", d / "sim" / "labels.jsonl")
    scan(d / "sim" / "events.jsonl", db=d / "s.duckdb", workers=1)
    return d / "s.duckdb"


def test_requests_search_and_show_from_the_command_line(scanned_store):
    from tests.dashboard.store_builder import PLANTED_EMAIL

    result = runner.invoke(app, ["requests", "search", "--db", str(scanned_store), "--has", "logit_bias", "--format", "json",
                                 "--limit", "20"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and all(r["logit_bias"] for r in rows)
    shown = runner.invoke(app, ["requests", "show", rows[0]["request_id"], "--db", str(scanned_store)])
    assert shown.exit_code == 0 and json.loads(shown.stdout)["body"]["logit_bias"]
    planted = runner.invoke(app, ["requests", "search", "--db", str(scanned_store), "--q", PLANTED_EMAIL, "--format", "csv"])
    assert planted.exit_code == 0 and planted.stdout.count("\n") > 1 and PLANTED_EMAIL not in planted.stdout  # masked
    raw = runner.invoke(app, ["requests", "search", "--db", str(scanned_store), "--q", PLANTED_EMAIL, "--format", "csv", "--raw"])
    assert PLANTED_EMAIL in raw.stdout
    missing = runner.invoke(app, ["requests", "show", "req-nope", "--db", str(scanned_store)])
    assert missing.exit_code == 2 and "no request req-nope" in missing.output


def test_campaign_split_from_the_command_line_refuses_bad_input_in_one_line(scanned_store):
    import duckdb

    con = duckdb.connect(str(scanned_store), read_only=True)
    campaign_id, members = con.execute("SELECT campaign_id, member_ids FROM campaigns ORDER BY members DESC LIMIT 1").fetchone()
    con.close()
    members = json.loads(members)
    unknown = runner.invoke(app, ["campaigns", "split", "camp-nope", "--db", str(scanned_store), "--accounts", "a", "--reason", "x"])
    assert unknown.exit_code == 2 and "no campaign camp-nope" in unknown.output
    everyone = runner.invoke(app, ["campaigns", "split", campaign_id, "--db", str(scanned_store), "--accounts", ",".join(members),
                                   "--reason", "x"])
    assert everyone.exit_code == 2 and "not all" in everyone.output and "Traceback" not in everyone.output
    done = runner.invoke(app, ["campaigns", "split", campaign_id, "--db", str(scanned_store), "--accounts", members[0], "--reason", "x"])
    assert done.exit_code == 0 and "re-linked" in done.output, done.output
    con = duckdb.connect(str(scanned_store), read_only=True)
    owner = con.execute("SELECT campaign_id FROM verdicts WHERE account_id = ?", [members[0]]).fetchone()[0]
    others = {r[0] for r in con.execute("SELECT campaign_id FROM verdicts WHERE account_id IN (SELECT unnest(?::VARCHAR[]))",
                                        [members[1:]]).fetchall()}
    con.close()
    assert owner is None or owner not in others
