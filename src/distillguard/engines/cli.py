"""Commands of the scale-out engines: `distillguard bus ...` and `distillguard spark scan`.

`scan --engine spark` itself is wired by the scan command (it calls
`distillguard.engines.spark.run_spark_scan`). Heavy imports stay inside the bodies.
Runs standalone too: `python -m distillguard.engines.cli bus score ...`.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Optional

import typer

bus_app = typer.Typer(help="Event bus between gateways and scorers (Redis Streams, NATS JetStream, Kafka).",
                      no_args_is_help=True)
spark_app = typer.Typer(help="Batch scans on Apache Spark.", no_args_is_help=True)

BusOpt = typer.Option(..., "--bus", help="redis://HOST:PORT[/DB], nats://HOST:PORT or kafka://HOST:PORT")
PartitionsOpt = typer.Option(4, "--partitions", help="partitions of the bus (must match between publishers and scorers)")
PrefixOpt = typer.Option("dg", "--prefix", help="name prefix of the streams/topic")


def _pin_hash_seed() -> None:
    """Re-exec with PYTHONHASHSEED=0 unless set: a checkpoint must resume with the same string-hash salt."""
    if "PYTHONHASHSEED" not in os.environ:
        env = dict(os.environ, PYTHONHASHSEED="0")
        os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], env)


@bus_app.command("publish")
def publish(
    files: list[Path] = typer.Argument(..., help="event logs (JSONL/.gz/.zst/Parquet, or folders of them)"),
    bus: str = BusOpt,
    partitions: int = PartitionsOpt,
    prefix: str = PrefixOpt,
    batch: int = typer.Option(500, help="events per broker round trip"),
) -> None:
    """Publish event logs to the bus, partitioned by account (what a gateway does per request)."""
    from distillguard.engines.bus import open_bus
    from distillguard.events.readers import RejectSink, expand_inputs, iter_events

    sink = RejectSink()
    started = time.perf_counter()
    with open_bus(bus, partitions, prefix) as handle:
        count = handle.publish(iter_events(expand_inputs(files), sink), batch=batch)
    seconds = time.perf_counter() - started
    typer.echo(json.dumps({"published": count, "rejects": sink.count, "seconds": round(seconds, 3),
                           "events_per_s": round(count / seconds, 1) if seconds else None}))


@bus_app.command("score")
def score(
    bus: str = BusOpt,
    partition: int = typer.Option(..., "--partition", help="the partition this scorer owns (0-based)"),
    checkpoint: Path = typer.Option(..., "--checkpoint", help="directory for this scorer's checkpoint"),
    out: Optional[Path] = typer.Option(None, "--out", help="write verdicts (JSONL) of this partition's accounts on exit"),
    flags: Optional[Path] = typer.Option(None, "--flags", help="append one JSON line per newly flagged account, as it happens"),
    partitions: int = PartitionsOpt,
    prefix: str = PrefixOpt,
    config: Optional[Path] = typer.Option(None, "--config", help="detector configuration (YAML)"),
    checkpoint_every: int = typer.Option(5000, help="checkpoint after this many events"),
    checkpoint_seconds: float = typer.Option(10.0, help="... or after this many seconds"),
    idle_exit: Optional[float] = typer.Option(None, help="exit after this many seconds without new events (default: run until SIGTERM)"),
    max_events: Optional[int] = typer.Option(None, help="exit after this many events"),
    stats: Optional[Path] = typer.Option(None, "--stats", help="write consumer statistics (JSON) on exit"),
) -> None:
    """Consume one partition with checkpointed state; a restart resumes without loss or double counting."""
    _pin_hash_seed()
    import orjson

    from distillguard.detectors.registry import load_config
    from distillguard.engines.bus import open_bus
    from distillguard.engines.consumer import PartitionScorer
    from distillguard.pipeline import write_verdicts

    flag_handle = open(flags, "ab") if flags else None

    def on_decision(decision) -> None:
        if flag_handle is not None and decision.newly_flagged:
            flag_handle.write(orjson.dumps({"account_id": decision.account_id, "risk": round(decision.risk, 6),
                                            "campaign_id": decision.campaign_id, "requests_seen": decision.requests_seen,
                                            "flagged_at": time.time(), "partition": partition}) + b"\n")
            flag_handle.flush()

    with open_bus(bus, partitions, prefix) as handle:
        worker = PartitionScorer(handle, partition, checkpoint, config=load_config(config),
                                 checkpoint_every=checkpoint_every, checkpoint_seconds=checkpoint_seconds)
        typer.echo(json.dumps({"partition": partition, "resumed": worker.restored, "offset": worker.offset}), err=True)
        result = worker.run(max_events=max_events, idle_exit_s=idle_exit, on_decision=on_decision, handle_signals=True)
        if out:
            write_verdicts(worker.verdicts(), out)
        summary = {"partition": partition, "events": result.events, "duplicates": result.duplicates, "invalid": result.invalid,
                   "checkpoints": result.checkpoints, "checkpoint_seconds": round(result.checkpoint_seconds, 3),
                   "offset": worker.offset, "accounts": len(worker.scorer.tracks), "latency": result.latency_summary()}
        if stats:
            stats.write_text(json.dumps(summary, indent=2))
        typer.echo(json.dumps(summary))
    if flag_handle is not None:
        flag_handle.close()


@bus_app.command("status")
def status(bus: str = BusOpt, partitions: int = PartitionsOpt, prefix: str = PrefixOpt) -> None:
    """End and committed offset of each partition."""
    from distillguard.engines.bus import open_bus

    with open_bus(bus, partitions, prefix) as handle:
        for p in range(partitions):
            typer.echo(json.dumps({"partition": p, "end_offset": handle.end_offset(p), "committed": handle.committed(p)}))


@spark_app.command("scan")
def spark_scan(
    inputs: list[Path] = typer.Argument(..., help="event logs (JSONL/.gz/Parquet), or folders of them (e.g. partitioned by day)"),
    out: Path = typer.Option(..., "--out", help="verdicts (JSONL)"),
    master: str = typer.Option("local[*]", "--master", help="Spark master: local[*], local[2], spark://HOST:7077, yarn, k8s://..."),
    config: Optional[Path] = typer.Option(None, "--config", help="detector configuration (YAML)"),
    campaigns: Optional[Path] = typer.Option(None, "--campaigns", help="also write campaigns (JSONL)"),
) -> None:
    """Scan event logs with the same detectors on Spark (what `scan --engine spark` runs)."""
    from distillguard.engines.spark import run_spark_scan

    stats = run_spark_scan(inputs, out, master=master, config_path=config, campaigns_out=campaigns)
    typer.echo(json.dumps(stats))


def register(app: typer.Typer) -> None:
    app.add_typer(bus_app, name="bus")
    app.add_typer(spark_app, name="spark")


def main() -> None:
    root = typer.Typer(no_args_is_help=True, add_completion=False)
    register(root)
    root()


if __name__ == "__main__":
    main()
