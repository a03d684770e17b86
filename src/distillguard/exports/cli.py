"""`distillguard export`: verdicts and campaigns to CSV/Parquet, OpenTelemetry logs or Prometheus metrics."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

console = Console(stderr=True)
FORMATS = ("csv", "parquet", "otlp-json", "prometheus")


def _fail(message: str) -> None:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(2)


def _load(verdicts_path: Path, campaigns_path: Path | None):
    from distillguard.exports.summary import campaigns_from_verdicts, read_jsonl

    if not verdicts_path.is_file():
        _fail(f"{verdicts_path}: no such verdicts file (write one with `distillguard scan LOG --out {verdicts_path}`)")
    verdicts = read_jsonl(verdicts_path)
    for number, verdict in enumerate(verdicts, start=1):
        if not isinstance(verdict, dict) or "account_id" not in verdict or "risk" not in verdict:
            _fail(f"{verdicts_path}:{number}: not a verdict (needs account_id and risk)")
    campaigns = read_jsonl(campaigns_path) if campaigns_path else campaigns_from_verdicts(verdicts)
    return verdicts, campaigns


def register(app: typer.Typer) -> None:
    @app.command("export")
    def export_command(
        verdicts: Path = typer.Argument(Path("verdicts.jsonl"), help="Verdicts JSONL written by `distillguard scan --out`."),
        to: str = typer.Option(..., "--to", help="csv, parquet (two tables: accounts and campaigns), otlp-json (OpenTelemetry "
                               "log records) or prometheus (metrics text)."),
        out: Optional[Path] = typer.Option(None, "--out", "-o", help="File to write (for csv/parquet: the accounts table; the "
                                           "campaigns table goes beside it as NAME.campaigns.csv). Default: stdout for "
                                           "otlp-json and prometheus."),
        campaigns: Optional[Path] = typer.Option(None, "--campaigns", help="Campaigns JSONL; default: grouped from the verdicts' campaign_id."),
        endpoint: Optional[str] = typer.Option(None, "--endpoint", help="With otlp-json: POST to this OTLP/HTTP logs URL, e.g. "
                                               "http://collector:4318/v1/logs."),
        serve: Optional[int] = typer.Option(None, "--serve", help="With prometheus: serve /metrics on this port, re-reading the "
                                            "verdicts file on each scrape (Ctrl-C to stop)."),
        host: str = typer.Option("127.0.0.1", "--host", help="Address for --serve."),
    ) -> None:
        """Send verdicts and campaigns to your own dashboards and alerting.

        Examples: distillguard export verdicts.jsonl --to csv --out flagged.csv ·
        distillguard export verdicts.jsonl --to prometheus --serve 9464 ·
        distillguard export verdicts.jsonl --to otlp-json --endpoint http://localhost:4318/v1/logs
        """
        if to not in FORMATS:
            _fail(f"--to must be one of {', '.join(FORMATS)}, not {to!r}")
        try:
            loaded_verdicts, loaded_campaigns = _load(verdicts, campaigns)
        except (OSError, ValueError) as exc:
            _fail(str(exc).splitlines()[0])
        if to in ("csv", "parquet"):
            from distillguard.exports.tables import VERDICT_COLUMNS, verdict_rows, write_table

            target = out or Path(f"verdicts.{to}")
            if target.suffix.lower() != f".{to}":
                target = target.with_suffix(f".{to}")
            write_table(verdict_rows(loaded_verdicts), target, VERDICT_COLUMNS)
            campaign_target = target.with_suffix(f".campaigns.{to}")
            write_table(loaded_campaigns, campaign_target, ("campaign_id", "members", "flagged_members", "flagged", "max_risk",
                                                            "requests", "main_detectors"))
            console.print(f"{len(loaded_verdicts):,} accounts → {target} · {len(loaded_campaigns):,} campaigns → {campaign_target}")
            return
        if to == "otlp-json":
            import orjson

            from distillguard.exports.otel import otlp_logs, post_otlp

            payload = otlp_logs(loaded_verdicts, loaded_campaigns)
            count = len(payload["resourceLogs"][0]["scopeLogs"][0]["logRecords"])
            if endpoint:
                try:
                    status = post_otlp(endpoint, payload)
                except OSError as exc:
                    _fail(str(exc))
                console.print(f"{count} log record(s) sent to {endpoint} (HTTP {status})")
            if out:
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(orjson.dumps(payload) + b"\n")
                console.print(f"{count} log record(s) → {out}")
            elif not endpoint:
                typer.echo(orjson.dumps(payload).decode())
            return
        from distillguard.exports.prometheus import metrics_text, serve_metrics

        if serve is not None:
            def render() -> str:
                return metrics_text(*_load_quiet(verdicts, campaigns))

            try:
                server = serve_metrics(render, host, serve)
            except OSError as exc:
                _fail(f"cannot listen on {host}:{serve}: {exc.strerror or exc}")
            console.print(f"serving http://{host}:{server.server_address[1]}/metrics from {verdicts} (Ctrl-C to stop)")
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                server.shutdown()
            return
        text = metrics_text(loaded_verdicts, loaded_campaigns)
        if out:
            out.parent.mkdir(parents=True, exist_ok=True)
            tmp = out.with_suffix(out.suffix + ".tmp")  # textfile collectors must never read a half-written file
            tmp.write_text(text)
            tmp.replace(out)
            console.print(f"metrics → {out}")
        else:
            typer.echo(text, nl=False)


def _load_quiet(verdicts: Path, campaigns: Path | None):
    from distillguard.exports.summary import campaigns_from_verdicts, read_jsonl

    loaded = read_jsonl(verdicts)
    return loaded, read_jsonl(campaigns) if campaigns else campaigns_from_verdicts(loaded)
