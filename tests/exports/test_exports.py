"""Exports of a real scan: tables, OpenTelemetry log records, Prometheus text and /metrics."""

from __future__ import annotations

import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from distillguard.cli import app

runner = CliRunner(env={"COLUMNS": "400"})  # no terminal wrapping inside messages


def flat(result) -> str:
    """The command's output with the terminal's line wrapping undone."""
    return " ".join(result.output.split())


@pytest.fixture(scope="module")
def scanned(small_sim, tmp_path_factory) -> Path:
    from distillguard.pipeline import scan

    out = tmp_path_factory.mktemp("export") / "verdicts.jsonl"
    scan(small_sim / "events.jsonl", out=out)
    return out


def _verdicts(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_csv_and_parquet_tables_hold_every_account_and_campaign(scanned, tmp_path):
    import pyarrow.parquet as pq

    verdicts = _verdicts(scanned)
    result = runner.invoke(app, ["export", str(scanned), "--to", "csv", "--out", str(tmp_path / "flags.csv")])
    assert result.exit_code == 0, result.output
    lines = (tmp_path / "flags.csv").read_text().splitlines()
    assert len(lines) == len(verdicts) + 1 and lines[0].startswith("account_id,risk,flagged,campaign_id")
    campaigns = {v["campaign_id"] for v in verdicts if v.get("campaign_id")}
    assert len((tmp_path / "flags.campaigns.csv").read_text().splitlines()) == len(campaigns) + 1
    assert runner.invoke(app, ["export", str(scanned), "--to", "parquet", "--out", str(tmp_path / "flags.parquet")]).exit_code == 0
    table = pq.read_table(tmp_path / "flags.parquet")
    assert table.num_rows == len(verdicts)
    assert sum(table.column("flagged").to_pylist()) == sum(v["flagged"] for v in verdicts)


def test_prometheus_figures_match_the_verdicts(scanned):
    verdicts = _verdicts(scanned)
    result = runner.invoke(app, ["export", str(scanned), "--to", "prometheus"])
    assert result.exit_code == 0
    samples = {line.split(" ")[0]: float(line.split(" ")[1]) for line in result.output.splitlines() if line and not line.startswith("#")}
    flagged = [v for v in verdicts if v["flagged"]]
    assert flagged, "the simulated log must contain flagged accounts"
    assert samples["distillguard_flagged_accounts"] == len(flagged)
    expected_share = sum(v["requests"] for v in flagged) / sum(v["requests"] for v in verdicts)
    assert samples["distillguard_leaked_share"] == pytest.approx(expected_share, abs=1e-6)
    risk_series = [k for k in samples if k.startswith("distillguard_account_risk{")]
    assert len(risk_series) == len(flagged)
    # Nothing but ids, scores and detector names: no prompt text or finding examples leave.
    examples = [e for v in verdicts for f in v.get("findings", []) for e in (f.get("evidence") or {}).get("examples", [])]
    assert all(example[:40] not in result.output for example in examples if len(example) > 20)


def test_otlp_logs_posted_to_a_collector(scanned):
    received: list[dict] = []

    class Collector(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/v1/logs"
        result = runner.invoke(app, ["export", str(scanned), "--to", "otlp-json", "--endpoint", url])
    finally:
        server.shutdown()
    assert result.exit_code == 0, result.output
    verdicts = _verdicts(scanned)
    records = received[0]["resourceLogs"][0]["scopeLogs"][0]["logRecords"]
    names = [r["eventName"] for r in records]
    assert names.count("distillguard.account.flagged") == sum(v["flagged"] for v in verdicts)
    assert "distillguard.campaign.flagged" in names
    unreachable = runner.invoke(app, ["export", str(scanned), "--to", "otlp-json", "--endpoint", "http://127.0.0.1:9/v1/logs"])
    assert unreachable.exit_code == 2 and "cannot reach the collector" in flat(unreachable)


def test_metrics_endpoint_serves_the_current_file(scanned):
    from distillguard.exports.prometheus import metrics_text, serve_metrics
    from distillguard.exports.summary import campaigns_from_verdicts, read_jsonl

    verdicts = read_jsonl(scanned)
    server = serve_metrics(lambda: metrics_text(verdicts, campaigns_from_verdicts(verdicts)), port=0)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_address[1]}/metrics", timeout=5) as response:
            body = response.read().decode()
            assert response.headers["Content-Type"].startswith("text/plain")
    finally:
        server.shutdown()
    assert "# TYPE distillguard_flagged_accounts gauge" in body


def test_export_errors_are_one_line(tmp_path):
    missing = runner.invoke(app, ["export", str(tmp_path / "none.jsonl"), "--to", "csv"])
    assert missing.exit_code == 2 and "no such verdicts file" in flat(missing)
    (tmp_path / "v.jsonl").write_text('{"account_id": "a", "risk": 0.1, "flagged": false}\n{oops\n')
    bad = runner.invoke(app, ["export", str(tmp_path / "v.jsonl"), "--to", "csv"])
    assert bad.exit_code == 2 and "v.jsonl:2: not valid JSON" in flat(bad) and "Traceback" not in flat(bad)
    wrong = runner.invoke(app, ["export", str(tmp_path / "v.jsonl"), "--to", "grafana"])
    assert wrong.exit_code == 2 and "--to must be one of csv, parquet, otlp-json, prometheus" in flat(wrong)
