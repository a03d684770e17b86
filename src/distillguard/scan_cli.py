"""`distillguard scan` and `distillguard demo`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from distillguard.adapters import SUPPORTED

console = Console(stderr=True)


def _fail(message: str) -> None:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(2)


def _print_top(result, k: int = 10) -> None:
    table = Table(title=f"Top flagged accounts ({result.stats['flagged']} of {result.stats['accounts']} flagged)")
    # Fixed widths for the short columns: in an 80-column terminal rich would otherwise squeeze
    # risk and campaign to nothing to make room for the finding.
    table.add_column("account", no_wrap=True, width=17)
    table.add_column("risk", no_wrap=True, width=5)
    table.add_column("requests", no_wrap=True, justify="right", width=8)
    table.add_column("campaign", no_wrap=True, overflow="ellipsis", width=12)
    out = Console()
    table.add_column("main finding", overflow="ellipsis", no_wrap=True, max_width=max(20, min(70, out.width - 60)))
    for verdict in result.top(k):
        if not verdict["flagged"]:
            break
        main = verdict["findings"][0] if verdict["findings"] else None
        table.add_row(verdict["account_id"], f"{verdict['risk']:.3f}", str(verdict.get("requests", "")), verdict.get("campaign_id") or "",
                      f"{main['detector']} ({main['scope']}, {main['score']:.2f}): {main['summary']}" if main else "")
    out.print(table)
    calibration = result.stats.get("calibration")
    if calibration:
        console.print(f"calibration: threshold {calibration['threshold']:.3f} for a target FPR of {calibration['target_fpr']:.2%}; "
                      f"accounts flagged on their own evidence: {calibration['observed_own_flags']} "
                      f"(expected if all were good: {calibration['expected_own_flags']:g}); "
                      f"on their group's collective evidence: {calibration['campaign_flags']}")


def _run_scan(inputs, out, report, db, rejects, strict, config, replay, benchmarks, input_format=None, adapter_options=None):
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from distillguard.events.readers import StrictModeError
    from distillguard.parallel import WorkerDied
    from distillguard.pipeline import scan

    with Progress(TextColumn("[bold]scanning"), BarColumn(bar_width=None), TextColumn("{task.completed:,} events"),
                  TimeElapsedColumn(), console=console, transient=True, disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task("scan", total=None)
        try:
            return scan(inputs, out=out, report=report, db=db, rejects=rejects, strict=strict, config=config, replay=replay,
                        benchmark_paths=benchmarks, progress=lambda n: progress.update(task, completed=n),
                        input_format=input_format, adapter_options=adapter_options)
        except StrictModeError as exc:
            _fail(f"malformed record (strict mode): {exc}")
        except WorkerDied as exc:  # nothing was committed: rerunning the scan redoes it
            _fail(str(exc))
        except FileNotFoundError as exc:
            _fail(str(exc))
        except (ValueError, OSError) as exc:
            _fail(str(exc).splitlines()[0])


def register(app: typer.Typer) -> None:
    @app.command("scan")
    def scan_command(
        inputs: list[Path] = typer.Argument(..., help="Traffic logs (API events, or LiteLLM, OpenTelemetry, OpenAI, Langfuse, Helicone exports, CSV): JSONL, JSON, CSV or Parquet, optionally .gz/.zst, or folders of them."),
        out: Path = typer.Option(Path("verdicts.jsonl"), "--out", "-o", help="Where to write one verdict per account (JSONL)."),
        report: Optional[Path] = typer.Option(None, "--report", help="Also write an HTML report for analysts here."),
        db: Optional[Path] = typer.Option(Path("distillguard.duckdb"), "--db", help="DuckDB store; a re-scan of a grown log reads only new events."),
        no_db: bool = typer.Option(False, "--no-db", help="Keep everything in memory; write no store."),
        rejects: Optional[Path] = typer.Option(None, "--rejects", help="Malformed records go here (JSONL with file, line, field, reason). Default: OUT.rejects.jsonl"),
        strict: bool = typer.Option(False, "--strict", help="Stop at the first malformed record instead of setting it aside."),
        config: Optional[Path] = typer.Option(None, "--config", help="YAML overriding detector thresholds, weights and policy."),
        replay: bool = typer.Option(False, "--replay", help="Process events in time order as a live gateway would; verdicts gain first_flag_* and requests_before_flag."),
        benchmarks: Optional[list[Path]] = typer.Option(None, "--benchmarks", help="Files or folders of public benchmark questions to match prompts against."),
        engine: str = typer.Option("embedded", "--engine", help="'embedded' (this machine) or 'spark'."),
        master: str = typer.Option("local[*]", "--master", help="Spark master URL, with --engine spark."),
        input_format: str = typer.Option("auto", "--format", help="Source format of the logs: auto (detect per file), "
                                         + ", ".join(SUPPORTED) + "."),
        mapping: Optional[Path] = typer.Option(None, "--mapping", help="YAML naming the column of each event field, for --format csv."),
        accounts: Optional[Path] = typer.Option(None, "--accounts", help="Account table (CSV/JSONL/Parquet: account_id, created_at, "
                                                "payment_fingerprint, email_domain, country, tier) joined onto events that lack it."),
        max_reject_share: float = typer.Option(0.5, "--max-reject-share", min=0.0, max=1.0,
                                               help="Exit non-zero when more than this share of the records were rejected."),
    ) -> None:
        """Scan API traffic logs and flag accounts that look like model extraction.

        Example: distillguard scan traffic.jsonl --out verdicts.jsonl --report report.html
        """
        if engine == "spark" and input_format not in ("auto", "api-event"):
            _fail(f"--engine spark reads API events only; scan {input_format} logs with the embedded engine")
        if engine == "spark":
            try:
                from distillguard.engines.spark import run_spark_scan
            except ImportError as exc:
                _fail(f"the Spark engine is not available: {exc}")
            stats = run_spark_scan(list(inputs), out, master=master, config_path=config)
            console.print(f"spark scan: {stats}")
            return
        if engine != "embedded":
            _fail(f"--engine must be 'embedded' or 'spark', not {engine!r}")
        rejects = rejects or out.with_suffix(".rejects.jsonl")
        from distillguard.adapters.cli_support import check_read, prepare_inputs

        rescan = not no_db and db is not None and db.exists()
        files, formats, options = prepare_inputs(inputs, input_format, mapping, _fail, console, accounts)
        result = _run_scan(files, out, report, None if no_db else db, rejects, strict, config, replay, benchmarks, formats, options)
        s = result.stats
        check_read(s, files, rejects, max_reject_share, rescan, _fail, console)
        _print_top(result)
        console.print(f"{s['events']:,} events, {s['accounts']:,} accounts, {s['flagged']} flagged, {s['campaigns']} campaigns "
                      f"({s['flagged_campaigns']} flagged) in {s['seconds']} s")
        if s["rejects"]:
            console.print(f"[yellow]{s['rejects']} malformed record(s) set aside in {rejects}[/yellow] by field: {s['rejects_by_field']}")
        if s.get("duplicates"):
            console.print(f"{s['duplicates']:,} duplicate request id(s) counted once")
        for line in s.get("missing_evidence") or ():
            console.print(f"[yellow]evidence gap:[/yellow] {line}")
        console.print(f"verdicts: {out}" + (f" · report: {report}" if report else "") + ("" if no_db else f" · store: {db}"))

    @app.command("demo")
    def demo_command(
        out_dir: Path = typer.Option(Path("demo-out"), "--out", help="Folder for the simulated traffic, verdicts, store and report."),
        seed: int = typer.Option(7, help="Random seed of the simulation."),
    ) -> None:
        """Simulate a week of API traffic with extraction campaigns, scan it, and write a report."""
        from distillguard.simulate.simulator import SimConfig, default_campaigns, simulate

        console.print(f"simulating traffic into {out_dir} …")
        summary = simulate(SimConfig(seed=seed, campaigns=default_campaigns()), out_dir)
        console.print(f"{summary['events']:,} events from {summary['accounts']} accounts ({summary['attack_accounts']} in "
                      f"{summary['campaigns']} extraction campaigns)")
        db = out_dir / "distillguard.duckdb"
        db.unlink(missing_ok=True)
        result = _run_scan([Path(summary["events_path"])], out_dir / "verdicts.jsonl", out_dir / "report.html", db,
                           out_dir / "rejects.jsonl", False, None, False, None)
        _print_top(result)
        from distillguard.bench_metrics import evaluate

        metrics = evaluate(result.verdicts, Path(summary["labels_path"]))
        console.print(f"against the simulation's ground truth: AUROC {metrics['auroc']:.3f}, TPR {metrics['tpr_flagged']:.3f}, "
                      f"FPR {metrics['fpr_flagged']:.4f}, campaign recall {metrics['campaign_recall']:.2f}")
        console.print("  (this is the project's own simulator, which the detectors were developed against, so it flatters them; "
                      "traffic written apart from the project scores far lower: see bench/RESULTS.md, blind benchmark)")
        console.print(f"report: {(out_dir / 'report.html').resolve()}")
