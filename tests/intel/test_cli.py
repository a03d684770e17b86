"""The `distillguard intel` commands: the documented flow works, bad input is one clear line and exit 2."""

import json

import pytest
from typer.testing import CliRunner

from distillguard.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def files(tmp_path_factory, traffic):
    d = tmp_path_factory.mktemp("cli")
    for p in ("A", "B"):
        with (d / f"events_{p}.jsonl").open("w") as h:
            for e in traffic.events[p]:
                h.write(json.dumps(e) + "\n")
    with (d / "verdicts_A.jsonl").open("w") as h:
        for account, label in traffic.labels["A"].items():
            attack = label["label"] == "attack"
            h.write(json.dumps({"account_id": account, "risk": 0.9 if attack else 0.1, "flagged": attack,
                                "campaign_id": "camp-9" if attack else None,
                                "findings": [{"detector": "instruction_harvest", "score": 0.9, "atlas": "AML.T0024.002"}] if attack else []}) + "\n")
    assert runner.invoke(app, ["intel", "keys", "init", "--file", str(d / "keys.json")]).exit_code == 0
    r = runner.invoke(app, ["intel", "export", str(d / "verdicts_A.jsonl"), str(d / "events_A.jsonl"), "--keys", str(d / "keys.json"),
                            "--provider", "A", "--out", str(d / "bundle.json")])
    (d / "export.out").write_text(f"{r.exit_code}\n{r.output}")
    return d


def test_export_validate_match_flow(files):
    d = files
    code, output = (d / "export.out").read_text().split("\n", 1)
    assert code == "0", output
    assert "1 campaign(s)" in output
    r = runner.invoke(app, ["intel", "validate", str(d / "bundle.json")])
    assert r.exit_code == 0 and "valid; publisher A" in r.output
    r = runner.invoke(app, ["intel", "match", str(d / "bundle.json"), "--events", str(d / "events_B.jsonl"), "--keys", str(d / "keys.json"),
                            "--out", str(d / "matches.jsonl")])
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in (d / "matches.jsonl").read_text().splitlines()]
    blocked = {row["account_id"] for row in rows if row["score"] >= 0.8}
    assert len(blocked) >= 4 and all(a.startswith("B-c") for a in blocked)
    assert all(row["detector"] == "intel_match" for row in rows)


def test_rotation_command_keeps_old_bundles_matchable(files, tmp_path):
    keys = tmp_path / "keys.json"
    keys.write_text((files / "keys.json").read_text())
    r = runner.invoke(app, ["intel", "keys", "rotate", "--file", str(keys)])
    assert r.exit_code == 0 and "previous" in r.output
    r = runner.invoke(app, ["intel", "match", str(files / "bundle.json"), "--events", str(files / "events_B.jsonl"), "--keys", str(keys)])
    assert r.exit_code == 0 and " 0 at or above" not in r.output


@pytest.mark.parametrize(
    "args, expected",
    [
        (["intel", "validate", "{d}/nope.json"], "nope.json: no such file"),
        (["intel", "validate", "{d}/events_A.jsonl"], "events_A.jsonl: not JSON"),
        (["intel", "export", "{d}/verdicts_A.jsonl", "{d}/events_A.jsonl", "--keys", "{d}/missing-keys.json", "--provider", "A", "--out", "{d}/x.json"], "missing-keys.json: no such keyring file"),
        (["intel", "export", "{d}/verdicts_A.jsonl", "{d}/events_A.jsonl", "--keys", "{d}/keys.json", "--provider", "A", "--out", "{d}/x.json", "--campaign", "camp-404"], "campaign_id: no flagged account has campaign 'camp-404'"),
        (["intel", "export", "{d}/events_A.jsonl", "{d}/events_A.jsonl", "--keys", "{d}/keys.json", "--provider", "A", "--out", "{d}/x.json"], "flagged: missing or not a boolean"),
        (["hub", "--config", "{d}/no-hub.yaml"], "no-hub.yaml: no such config file"),
    ],
)
def test_bad_input_is_one_line_exit_2(files, args, expected):
    r = runner.invoke(app, [a.format(d=files) for a in args])
    assert r.exit_code == 2, r.output
    assert expected in r.output and "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_push_without_api_key_env_is_a_clear_error(files, monkeypatch):
    monkeypatch.delenv("DG_HUB_API_KEY", raising=False)
    r = runner.invoke(app, ["intel", "push", str(files / "bundle.json"), "--collection", "x", "--provider", "A"])
    assert r.exit_code == 2 and "DG_HUB_API_KEY is not set" in r.output


def test_hub_command_serves_push_and_poll(files, tmp_path, monkeypatch):
    """`distillguard hub` as a real process; `intel push` and `intel poll` against it."""
    import os
    import subprocess
    import sys
    import time

    import httpx
    import yaml

    from distillguard.intel.hub_config import hash_api_key
    from distillguard.intel.serve import free_port
    from tests.intel._helpers import COLLECTION, KEYS

    config = {
        "api_root": "consortium",
        "providers": {p: {"api_key_sha256": hash_api_key(KEYS[p])} for p in ("A", "B")},
        "collections": [{"id": COLLECTION, "title": "extraction-campaigns", "read": ["A", "B"], "write": ["A"]}],
    }
    (tmp_path / "hub.yaml").write_text(yaml.safe_dump(config))
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "distillguard.cli", "hub", "--config", str(tmp_path / "hub.yaml"), "--db", str(tmp_path / "hub.sqlite"), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=dict(os.environ),
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                if httpx.get(f"{url}/taxii2/", auth=("A", KEYS["A"]), headers={"Accept": "application/taxii+json;version=2.1"}).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            pytest.fail(f"hub did not start: {proc.stderr.read1().decode() if proc.stderr else ''}")
        common = ["--hub", url, "--collection", COLLECTION]
        monkeypatch.setenv("DG_HUB_API_KEY", KEYS["A"])
        r = runner.invoke(app, ["intel", "push", str(files / "bundle.json"), "--provider", "A", *common])
        assert r.exit_code == 0 and "objects added" in r.output, r.output
        monkeypatch.setenv("DG_HUB_API_KEY", KEYS["B"])
        r = runner.invoke(app, ["intel", "push", str(files / "bundle.json"), "--provider", "B", *common])
        assert r.exit_code == 2 and "does not allow writing" in r.output  # B may read but not write
        args = ["intel", "poll", "--provider", "B", "--out-dir", str(tmp_path / "in"), "--state", str(tmp_path / "state.json"), *common]
        r = runner.invoke(app, args)
        assert r.exit_code == 0 and "1 peer package(s)" in r.output, r.output
        written = list((tmp_path / "in").glob("*.json"))
        assert len(written) == 1
        assert runner.invoke(app, ["intel", "validate", str(written[0])]).exit_code == 0
        r = runner.invoke(app, args)  # nothing new since the last poll
        assert r.exit_code == 0 and "0 peer package(s)" in r.output
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_blinded_export_and_match_through_the_cli(files, tmp_path, monkeypatch):
    from tests.intel._helpers import COLLECTION, KEYS, hub_config, running_hub

    d = files
    config = hub_config()
    config.blind_secret_file = str(tmp_path / "hub-oprf.secret")
    with running_hub(tmp_path, config) as hub:
        blind = ["--blind-hub", hub.url, "--collection", COLLECTION]
        monkeypatch.setenv("DG_HUB_API_KEY", KEYS["A"])
        r = runner.invoke(app, ["intel", "export", str(d / "verdicts_A.jsonl"), str(d / "events_A.jsonl"), "--keys", str(d / "keys.json"),
                                "--provider", "A", "--out", str(tmp_path / "blind.json"), *blind])
        assert r.exit_code == 0, r.output
        assert f"kid = 'oprf.{COLLECTION}'" in (tmp_path / "blind.json").read_text()
        monkeypatch.setenv("DG_HUB_API_KEY", KEYS["B"])
        r = runner.invoke(app, ["intel", "match", str(tmp_path / "blind.json"), "--events", str(d / "events_B.jsonl"), "--keys",
                                str(d / "keys.json"), "--out", str(tmp_path / "m.jsonl"), "--provider", "B", *blind])
        assert r.exit_code == 0, r.output
        assert any(json.loads(line)["account_id"].startswith("B-c") for line in (tmp_path / "m.jsonl").read_text().splitlines())
        r = runner.invoke(app, ["intel", "match", str(tmp_path / "blind.json"), "--events", str(d / "events_B.jsonl"), "--keys",
                                str(d / "keys.json"), *blind])
        assert r.exit_code == 2 and "--provider" in r.output
