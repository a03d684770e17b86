"""The main job end to end: simulated traffic in, verdicts, store and report out."""

from __future__ import annotations

import json
import shutil

import orjson
import pytest

from distillguard.bench_metrics import evaluate
from distillguard.pipeline import scan
from tests.conftest import SPEC_DIR


def test_scan_ranks_attacks_above_legit(small_sim, tmp_path):
    result = scan(small_sim / "events.jsonl", out=tmp_path / "v.jsonl", report=tmp_path / "r.html", db=tmp_path / "s.duckdb")
    metrics = evaluate(result.verdicts, small_sim / "labels.jsonl")
    assert metrics["auroc"] >= 0.95
    assert metrics["fpr_flagged"] <= 0.05
    assert metrics["campaign_recall"] >= 0.8
    html = (tmp_path / "r.html").read_text()
    assert "data:image/png;base64," in html and "Flagged accounts" in html
    lines = (tmp_path / "v.jsonl").read_text().splitlines()
    assert len(lines) == metrics["accounts"]


def test_verdicts_follow_the_shared_schema(small_sim, tmp_path):
    schema_path = SPEC_DIR / "account-verdict.schema.json"
    if not schema_path.exists():
        pytest.skip("../shared/spec is absent: cannot validate against the interchange schema")
    import jsonschema

    schema = json.loads(schema_path.read_text())
    for mode in (False, True):
        result = scan(small_sim / "events.jsonl", replay=mode)
        for verdict in result.verdicts[:200]:
            jsonschema.validate(orjson.loads(orjson.dumps(verdict)), schema)


def test_growing_log_is_scanned_incrementally(small_sim, tmp_path):
    lines = (small_sim / "events.jsonl").read_bytes().splitlines(keepends=True)
    log = tmp_path / "grow.jsonl"
    log.write_bytes(b"".join(lines[: len(lines) // 2]))
    first = scan(log, db=tmp_path / "s.duckdb")
    assert first.stats["events"] == len(lines) // 2
    with open(log, "ab") as handle:
        handle.write(b"".join(lines[len(lines) // 2 :]))
    second = scan(log, db=tmp_path / "s.duckdb")
    assert second.stats["events"] == len(lines) - len(lines) // 2
    third = scan(log, db=tmp_path / "s.duckdb")
    assert third.stats["events"] == 0
    full = scan(small_sim / "events.jsonl")
    assert {v["account_id"]: v["flagged"] for v in second.verdicts} == {v["account_id"]: v["flagged"] for v in full.verdicts}
    import duckdb

    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    assert con.execute("SELECT count(*), count(DISTINCT request_id) FROM events").fetchone() == (len(lines), len(lines))


def test_replay_flags_early_and_records_when(small_sim):
    result = scan(small_sim / "events.jsonl", replay=True)
    labels = {r["account_id"]: r for r in map(orjson.loads, (small_sim / "labels.jsonl").read_bytes().splitlines())}
    attack = [v for v in result.verdicts if labels[v["account_id"]]["label"] == "attack"]
    flagged = [v for v in attack if v["flagged"]]
    assert len(flagged) >= 0.8 * len(attack)
    for verdict in flagged:
        if verdict["first_flag_request_id"] is None:  # the group's evidence matured after its last request
            assert verdict["flag_basis"] == "campaign" and verdict["requests_before_flag"] == verdict["requests"]
            continue
        assert verdict["first_flag_ts"]
        assert 0 <= verdict["requests_before_flag"] < verdict["requests"]
    assert sum(v["first_flag_request_id"] is not None for v in flagged) >= 0.6 * len(attack)
    legit = [v for v in result.verdicts if labels[v["account_id"]]["label"] == "legit"]
    assert sum(v["flagged"] for v in legit) <= 0.05 * len(legit)


def test_cli_scan_and_one_line_errors(small_sim, tmp_path):
    from typer.testing import CliRunner

    from distillguard.cli import app

    runner = CliRunner()
    shutil.copy(small_sim / "events.jsonl", tmp_path / "e.jsonl")
    with open(tmp_path / "e.jsonl", "ab") as handle:
        handle.write(b'{"request_id": "x", "ts": "2026-11-02T00:00:00Z", "request": {}}\n')
    ok = runner.invoke(app, ["scan", str(tmp_path / "e.jsonl"), "--out", str(tmp_path / "v.jsonl"), "--no-db"])
    assert ok.exit_code == 0, ok.output
    assert "1 malformed record" in ok.output
    rejects = (tmp_path / "v.rejects.jsonl").read_text()
    assert '"field":"account_id"' in rejects
    strict = runner.invoke(app, ["scan", str(tmp_path / "e.jsonl"), "--out", str(tmp_path / "v.jsonl"), "--no-db", "--strict"])
    assert strict.exit_code == 2 and "account_id: missing" in strict.output and "Traceback" not in strict.output
    missing = runner.invoke(app, ["scan", str(tmp_path / "nope.jsonl"), "--no-db"])
    assert missing.exit_code == 2 and "no such file" in missing.output
    for command in ([], ["scan"], ["simulate"], ["demo"]):
        assert runner.invoke(app, command + ["--help"]).exit_code == 0


def test_parallel_scan_matches_single_process(small_sim, tmp_path):
    log = tmp_path / "with-bad.jsonl"
    log.write_bytes((small_sim / "events.jsonl").read_bytes() + b"{truncated\n")
    one = scan(log, workers=1, rejects=tmp_path / "r1.jsonl")
    two = scan(log, workers=2, rejects=tmp_path / "r2.jsonl", db=tmp_path / "p.duckdb")
    assert one.stats["events"] == two.stats["events"] and one.stats["rejects"] == two.stats["rejects"] == 1
    assert (tmp_path / "r2.jsonl").read_text().count("\n") == 1
    risks_one = {v["account_id"]: round(v["risk"], 6) for v in one.verdicts}
    risks_two = {v["account_id"]: round(v["risk"], 6) for v in two.verdicts}
    assert risks_one == risks_two
    assert sorted(c["campaign_id"] for c in one.campaigns) == sorted(c["campaign_id"] for c in two.campaigns)
    import duckdb

    con = duckdb.connect(str(tmp_path / "p.duckdb"), read_only=True)
    assert con.execute("SELECT count(DISTINCT request_id), count(*) FROM events").fetchone() == (two.stats["events"],) * 2


def test_precheck_stops_a_fresh_sybil_of_a_flagged_campaign_before_it_is_served(small_sim):
    from distillguard.events.readers import RejectSink, iter_events
    from distillguard.replay import OnlineScorer

    labels = {r["account_id"]: r for r in map(orjson.loads, (small_sim / "labels.jsonl").read_bytes().splitlines())}
    scorer = OnlineScorer()
    stopped_first = legit_stopped = 0
    for event in iter_events([small_sim / "events.jsonl"], RejectSink()):
        first_request = event.account_id not in scorer.tracks
        before = scorer.precheck(event)
        if first_request and before.flagged:
            if labels[event.account_id]["label"] == "attack":
                stopped_first += 1
            else:
                legit_stopped += 1
        scorer.process(event)
    assert stopped_first >= 3 and legit_stopped == 0


def test_precheck_skips_the_probe_only_when_it_could_not_flag(small_sim):
    """While no campaign is at the flag threshold the precheck answers without probing the link
    keys; at every event of a stream with a campaign that answer equals the full probe's."""
    from distillguard.events.readers import RejectSink, iter_events
    from distillguard.replay import OnlineScorer

    scorer = OnlineScorer()
    skipped = probed = 0
    for event in iter_events([small_sim / "events.jsonl"], RejectSink()):
        track = scorer.tracks.get(event.account_id)
        quick = scorer.precheck(event)
        if not (track is not None and track.flagged_at is not None):
            full = scorer._precheck_linked(event, track)
            assert (quick.flagged, quick.campaign_id, quick.requests_seen) == (full.flagged, full.campaign_id, full.requests_seen)
            if any(c.risk >= scorer.engine.threshold for c in scorer.campaigns.values()):
                probed += 1
            else:
                skipped += 1
        scorer.process(event)
    assert skipped > 100 and probed > 0  # both paths were exercised
