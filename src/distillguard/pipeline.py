"""`scan`: the main job, as a Python function. The CLI is a thin shell over it.

events (JSONL/.gz/.zst/Parquet, streamed) -> validation & rejects -> per-account state
-> detectors -> campaigns -> verdicts (+ DuckDB store, HTML report).

Two modes: batch (score once all events are in; best ranking) and replay (events in
time order through the incremental scorer the gateway runs; verdicts gain
first_flag_request_id, first_flag_ts and requests_before_flag).
"""

from __future__ import annotations

import heapq
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson

from distillguard.adapters import NATIVE, AdaptedReader, resolve_formats
from distillguard.adapters.cli_support import expand as expand_log_files
from distillguard.adapters.evidence import Coverage
from distillguard.alerts import after_scan as after_scan_alerts
from distillguard.detectors.base import Detector
from distillguard.detectors.registry import load_config
from distillguard.events.model import ApiEvent
from distillguard.events.readers import LineReader, RejectSink, RequestIds, decode_line, expand_inputs, is_parquet, iter_parquet
from distillguard.linking.splits import apply_to_engine as apply_splits_to_engine
from distillguard.scoring.engine import CampaignView, DetectionEngine
from distillguard.store import requests as request_store
from distillguard.store.duckdb_store import PROMPT_STORE_CHARS, ScanCommit, Store

REORDER_WINDOW = 50_000  # replay tolerates events this far out of time order
FLUSH_EVENTS = 50_000  # event rows buffered before they are appended (inside the scan transaction)


@dataclass
class ScanResult:
    verdicts: list[dict[str, Any]]
    campaigns: list[dict[str, Any]]
    stats: dict[str, Any]
    hourly: dict[int, list[int]] = field(default_factory=dict)  # hour -> [requests, requests by accounts flagged]
    engine: DetectionEngine | None = None

    def top(self, k: int = 10) -> list[dict[str, Any]]:
        return sorted(self.verdicts, key=lambda v: -v["risk"])[:k]


def _campaign_json(view: CampaignView, threshold: float) -> dict[str, Any]:
    return {
        "campaign_id": view.campaign_id,
        "risk": round(view.assessment.risk, 6),
        "flagged": view.assessment.risk >= threshold and view.assessment.inheritable,
        "collective_evidence": view.assessment.inheritable,
        "members": len(view.members),
        "member_ids": view.members,
        "links": view.links,
        "findings": [f.to_json() for f in view.assessment.findings],
    }


class _EventColumns:
    """Buffers events as columns for fast appends to the store."""

    def __init__(self, store: Store | None, batch: int | None = None, bodies: request_store.RequestBodies | None = None) -> None:
        self.store, self.batch, self.bodies = store, batch or FLUSH_EVENTS, bodies
        self.columns: dict[str, list] = {name: [] for name in (
            "request_id", "ts", "account_id", "ip", "user_agent", "endpoint", "model", "prompt", "prompt_tokens",
            "completion_tokens", "cost_usd", "status", "max_tokens", "temperature", "n", "logprobs", "logit_bias")}

    def add(self, event: ApiEvent, prompt: str) -> None:
        if self.store is None:
            return
        c, req = self.columns, event.request
        c["request_id"].append(event.request_id)
        c["ts"].append(event.ts)
        c["account_id"].append(event.account_id)
        c["ip"].append(event.ip)
        c["user_agent"].append(event.user_agent)
        c["endpoint"].append(event.endpoint)
        c["model"].append(event.model)
        c["prompt"].append(prompt[:PROMPT_STORE_CHARS])
        c["prompt_tokens"].append(event.prompt_tokens)
        c["completion_tokens"].append(event.completion_tokens)
        c["cost_usd"].append(event.cost_usd)
        c["status"].append(event.status)
        max_tokens = req.get("max_tokens") or req.get("max_completion_tokens")
        c["max_tokens"].append(max_tokens if isinstance(max_tokens, int) and abs(max_tokens) < 2**31 else None)
        temperature = req.get("temperature")
        c["temperature"].append(float(temperature) if temperature is not None else None)
        n = req.get("n")
        c["n"].append(n if isinstance(n, int) and abs(n) < 2**31 else None)
        c["logprobs"].append(bool(req.get("logprobs")))
        c["logit_bias"].append(bool(req.get("logit_bias")))
        if self.bodies is not None:
            self.bodies.add(event)
        if len(c["request_id"]) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if self.store is not None and self.columns["request_id"]:
            self.store.append_events(self.columns)
            for values in self.columns.values():
                values.clear()
        if self.bodies is not None:
            self.bodies.flush()


def _time_ordered(events: Iterator[ApiEvent], window: int) -> Iterator[ApiEvent]:
    """Re-order a nearly sorted stream with a bounded heap (logs from several writers interleave)."""
    heap: list[tuple[float, int, ApiEvent]] = []
    for number, event in enumerate(events):
        heapq.heappush(heap, (event.ts.timestamp(), number, event))
        if len(heap) > window:
            yield heapq.heappop(heap)[2]
    while heap:
        yield heapq.heappop(heap)[2]


def scan(
    inputs: Iterable[str | Path] | str | Path,
    out: str | Path | None = None,
    report: str | Path | None = None,
    db: str | Path | None = None,
    rejects: str | Path | None = None,
    strict: bool = False,
    config: str | Path | dict | None = None,
    replay: bool = False,
    extra_detectors: list[Detector] | None = None,
    benchmark_paths: list[str | Path] | None = None,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
    input_format: str | dict[str, str] | None = None,
    adapter_options: dict[str, Any] | None = None,
) -> ScanResult:
    """Scan API event logs for extraction; write verdicts (JSONL), a report and the store.

    `db`: DuckDB file; when it already holds an earlier scan of a growing log, only new
    lines and unseen request ids are processed (batch mode); the scan commits as one
    transaction, so an interrupted scan is simply redone by the next. `config`: YAML
    path or dict. `progress`: called with the number of events processed so far.
    `workers`: processes for a fresh batch scan (default: up to 4 for logs over 20 MB;
    accounts are partitioned by their parsed id, results are identical to one process).
    `input_format`: a format name of distillguard.adapters (or {file: name}, or "auto" to
    detect per file); None reads API events. `adapter_options`: e.g. {"mapping": "map.yaml"}
    for the csv format, {"accounts": "accounts.csv"} to join account metadata onto events.
    """
    started = datetime.now(timezone.utc)
    given = [inputs] if isinstance(inputs, (str, Path)) else list(inputs)
    # Foreign formats come as .json/.csv too: folders are searched for every log-like name then.
    files = expand_inputs(given) if input_format in (None, NATIVE) else expand_log_files([Path(p) for p in given])
    cfg = config if isinstance(config, dict) else load_config(config)
    if benchmark_paths:
        cfg = dict(cfg, benchmark_paths=[str(p) for p in benchmark_paths])
    sink = RejectSink(Path(rejects) if rejects else None, strict=strict)
    formats, adapted = _input_reader(files, input_format, adapter_options)
    store = Store(db) if db else None
    try:
        if store is not None:
            store.begin_scan(threads=request_store.settings(cfg)["scan_threads"])
        return _scan(files, cfg, sink, store, started, out, report, replay, extra_detectors, progress, workers, formats, adapted)
    finally:
        sink.close()
        if store is not None:
            store.close()  # rolls back unless _scan committed


def _scan(files: list[Path], cfg: dict, sink: RejectSink, store: Store | None, started: datetime, out, report, replay: bool,
          extra_detectors, progress, workers, formats: dict[str, str], adapted: AdaptedReader | None) -> ScanResult:
    engine = store.load_engine() if store is not None and not replay else None
    stored: dict[str, int] = store.known_request_ids() if store is not None else {}
    resumed = engine is not None  # the saved engine already holds the stored events: skip them and resume offsets
    offsets_done = store.progress() if resumed else {}
    if engine is None:
        engine = DetectionEngine(cfg, extra_detectors)
    if store is not None:
        apply_splits_to_engine(engine, store.con)  # analyst splits of over-merged campaigns hold on every rescan
    ids = RequestIds(stored if resumed else None)
    columns = _EventColumns(store, bodies=request_store.for_store(store, cfg))
    coverage = Coverage()
    offsets: dict[Path, int] = {}
    new_events = 0

    def accepted() -> Iterator[tuple[ApiEvent, bytes | None]]:
        """Valid, first-seen events in file order (with their line, for parallel workers); offsets recorded."""
        nonlocal new_events
        for path in files:
            label = str(path)
            start = store.lines_done(path, offsets_done) if resumed else 0
            if adapted is not None or is_parquet(path):
                records = adapted.iter_file(path, sink, start_line=start) if adapted is not None else iter_parquet(path, sink)
                last = start
                for last, event in _named_errors(path, records):
                    if ids.admit(event, label, last, sink):
                        new_events += 1
                        coverage.observe(event)
                        yield event, None
                if adapted is not None:  # Parquet has no line offsets: a rescan re-reads it and dedups by request id
                    offsets[path] = max(last, start)
                continue
            reader = LineReader(path, sink, start)
            for number, raw in _named_errors(path, reader):
                event = decode_line(label, number, raw, sink, unterminated=reader.unterminated)
                if event is None or not ids.admit(event, label, number, sink):
                    continue
                new_events += 1
                coverage.observe(event)
                if progress is not None and new_events % 5000 == 0:
                    progress(new_events)
                yield event, raw
            offsets[path] = reader.complete_lines

    def store_event(event: ApiEvent, prompt: str) -> None:
        if event.request_id not in stored:
            columns.add(event, prompt)

    account_hours: dict[str, Counter] = {}

    def count_hour(event: ApiEvent) -> None:
        hours = account_hours.get(event.account_id)
        if hours is None:  # not setdefault: that would build a Counter for every event
            hours = account_hours[event.account_id] = Counter()
        hours[int(event.ts.timestamp() // 3600)] += 1

    stored_all = False

    def finish_store() -> None:
        """Append the buffered rows and expire old request bodies (once, when every event was read)."""
        nonlocal stored_all
        if not stored_all:
            stored_all = True
            columns.flush()
            if columns.bodies is not None:
                columns.bodies.expire(request_store.settings(cfg)["request_retention_days"])

    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if sum(p.stat().st_size for p in files) > 20_000_000 else 1
    parallel = (workers > 1 and adapted is None and not replay and not engine.states and not engine._observers
                and not any(is_parquet(p) for p in files))
    features: dict[str, dict[str, float]] | None = None  # every account's features once the states are final (batch)
    if parallel:
        from distillguard.parallel import AccountPartitions

        partitions = AccountPartitions(workers, engine.config)
        try:
            for event, raw in accepted():
                partitions.add(event, raw)
                store_event(event, event.prompt_text)
                count_hour(event)
            finish_store()  # the last rows go to the store while the workers still work through their queues
            states, features = partitions.finish()
            engine.states.update(states)
        finally:
            partitions.close()
        verdicts, views = engine.finalize(features)
    elif replay:
        from distillguard.replay.online import OnlineScorer

        scorer = OnlineScorer(engine=engine)
        served_before_flag: Counter = Counter()
        for event in _time_ordered((event for event, _ in accepted()), REORDER_WINDOW):
            prompt = event.prompt_text
            decision = scorer.process(event, prompt)
            # As requests_before_flag in the verdict spec: the request that raises the flag is the first
            # one the policy acts on (a gateway sees its prompt and identity before forwarding it).
            if not decision.flagged:
                served_before_flag[event.account_id] += 1
            store_event(event, prompt)
            count_hour(event)
        engine.fit()
        verdicts = scorer.verdicts()
        for verdict in verdicts:
            verdict["served_before_flag"] = served_before_flag[verdict["account_id"]]
        views = engine.campaigns()
    else:
        for event, _ in accepted():
            prompt = event.prompt_text
            engine.ingest(event, prompt)
            store_event(event, prompt)
            count_hour(event)
        features = engine.account_features()
        verdicts, views = engine.finalize(features)
    finish_store()
    campaigns = [_campaign_json(view, engine.threshold) for view in views]
    flagged_ids = {v["account_id"] for v in verdicts if v["flagged"]}
    hourly: dict[int, Counter] = {}
    for account_id, hours in account_hours.items():
        for hour, count in hours.items():
            slot = hourly.setdefault(hour, Counter())
            slot["requests"] += count
            if account_id in flagged_ids:
                slot["flagged"] += count

    stats = {
        "files": [str(p) for p in files],
        "events": new_events,
        "duplicates": ids.duplicates,
        "rejects": sink.count,
        "rejects_by_field": dict(sink.by_reason),
        "formats": formats,
        "missing_evidence": coverage.missing(),
        "accounts": len(verdicts),
        "flagged": len(flagged_ids),
        "campaigns": len(campaigns),
        "flagged_campaigns": sum(1 for c in campaigns if c["flagged"]),
        "mode": "replay" if replay else "batch",
        "workers": workers if parallel else 1,
        "calibration": engine.calibration(verdicts),
        "seconds": round((datetime.now(timezone.utc) - started).total_seconds(), 3),
    }
    if out:
        write_verdicts(verdicts, Path(out))
    if store is not None:
        if features is None:  # replay: the states as the last event left them
            features = engine.account_features()
        scan_id = store.next_scan_id()
        store.commit_scan(ScanCommit(scan_id, started, stats["files"], new_events, sink.count, stats["mode"], verdicts,
                                     campaigns, features, engine=None if replay else engine, offsets={} if replay else offsets))
        after_scan_alerts(store.con, scan_id, verdicts, campaigns, cfg)
    result = ScanResult(verdicts, campaigns, stats, {h: [c["requests"], c["flagged"]] for h, c in sorted(hourly.items())}, engine)
    if report:
        from distillguard.report.html import write_report

        write_report(result, Path(report))
    return result


def _input_reader(files: list[Path], input_format, options) -> tuple[dict[str, str], AdaptedReader | None]:
    """({file: format}, the adapter reader or None): native files go straight to events.readers,
    unless account metadata is to be joined on (adapter option `accounts`)."""
    if input_format is None or input_format == NATIVE:
        formats = {str(p): NATIVE for p in files}
    elif isinstance(input_format, dict):
        formats = dict(input_format)
    else:
        formats = resolve_formats(files, input_format, options)
    if set(formats.values()) <= {NATIVE} and not (options or {}).get("accounts"):
        return formats, None
    return formats, AdaptedReader(formats, options)


def _named_errors(path: Path, items: Iterator) -> Iterator:
    """Re-raise a read failure (unreadable file, bad Parquet) with the file's name in it."""
    try:
        yield from items
    except (OSError, EOFError) as exc:
        message = str(exc) or type(exc).__name__
        raise OSError(message if str(path) in message else f"{path}: cannot read: {message}") from exc
    except Exception as exc:
        if type(exc).__name__ not in ("ZstdError", "ArrowInvalid"):
            raise
        raise OSError(f"{path}: cannot read: {exc}") from exc


def write_verdicts(verdicts: list[dict[str, Any]], path: Path) -> None:
    """Write verdicts to a temporary file and rename it over `path`: a kill never leaves a half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            for verdict in sorted(verdicts, key=lambda v: -v["risk"]):
                handle.write(orjson.dumps(verdict, option=orjson.OPT_SERIALIZE_NUMPY) + b"\n")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
