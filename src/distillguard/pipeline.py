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
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson

from distillguard.detectors.base import Detector
from distillguard.detectors.registry import load_config
from distillguard.events.model import ApiEvent
from distillguard.events.readers import RejectSink, expand_inputs, iter_file
from distillguard.scoring.engine import CampaignView, DetectionEngine
from distillguard.store.duckdb_store import PROMPT_STORE_CHARS, Store

REORDER_WINDOW = 50_000  # replay tolerates events this far out of time order


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

    def __init__(self, store: Store | None, batch: int = 50_000) -> None:
        self.store, self.batch = store, batch
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
        if len(c["request_id"]) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if self.store is not None and self.columns["request_id"]:
            self.store.append_events(self.columns)
            for values in self.columns.values():
                values.clear()


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
) -> ScanResult:
    """Scan API event logs for extraction; write verdicts (JSONL), a report and the store.

    `db`: DuckDB file; when it already holds an earlier scan of a growing log, only new
    lines and unseen request ids are processed (batch mode). `config`: YAML path or dict.
    `progress`: called with the number of events processed so far. `workers`: processes
    for a fresh batch scan (default: all cores for logs over 20 MB; accounts are
    partitioned, results are identical to one process).
    """
    started = datetime.now(timezone.utc)
    files = expand_inputs([inputs] if isinstance(inputs, (str, Path)) else inputs)
    cfg = config if isinstance(config, dict) else load_config(config)
    if benchmark_paths:
        cfg = dict(cfg, benchmark_paths=[str(p) for p in benchmark_paths])
    sink = RejectSink(Path(rejects) if rejects else None, strict=strict)
    store = Store(db) if db else None

    engine = None
    known: set[str] = set()
    if store is not None and not replay:
        engine = store.load_engine()
        known = store.known_request_ids() if engine is not None else set()
    if engine is None:
        engine = DetectionEngine(cfg, extra_detectors)
    columns = _EventColumns(store)
    hourly: dict[int, Counter] = {}
    seen: set[str] = set()
    new_events = 0

    def stream() -> Iterator[ApiEvent]:
        nonlocal new_events
        for path in files:
            start = store.lines_done(path) if store is not None and not replay else 0
            last_line = start
            for last_line, event in iter_file(path, sink, start_line=start):
                if event.request_id in seen or event.request_id in known:
                    continue
                seen.add(event.request_id)
                new_events += 1
                if progress is not None and new_events % 5000 == 0:
                    progress(new_events)
                yield event
            if store is not None and not replay:
                store.set_lines_done(path, max(last_line, start))

    account_hours: dict[str, Counter] = {}
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if sum(p.stat().st_size for p in files) > 20_000_000 else 1
    parallel = (workers > 1 and not replay and not known and not engine.states and not engine._observers
                and not any(p.name.lower().endswith((".parquet", ".pq")) for p in files))
    try:
        if parallel:
            from distillguard.parallel import run_partitioned

            starts = {str(p): store.lines_done(p) if store is not None else 0 for p in files}
            parts_dir = tempfile.mkdtemp(prefix="distillguard-parts-", dir=str(store.path.parent)) if store is not None else None
            parts = run_partitioned(files, starts, workers, engine.config, Path(parts_dir) if parts_dir else None,
                                    Path(rejects) if rejects else None)
            if store is not None:
                store.append_parquet([p for part in parts for p in part["parquet_parts"]])
                shutil.rmtree(parts_dir, ignore_errors=True)
            for part in parts:
                engine.states.update(part["states"])
                new_events += part["events"]
                sink.count += part["reject_count"]
                for key, value in part["rejects_by_field"].items():
                    sink.by_reason[key] = sink.by_reason.get(key, 0) + value
                for account_id, hours in part["hours"].items():
                    account_hours[account_id] = Counter(hours)
            if rejects:
                _concat_parts(Path(rejects), workers)
            if store is not None:
                for path in files:
                    store.set_lines_done(path, _count_lines(path))
            verdicts, views = engine.finalize()
        elif replay:
            from distillguard.replay.online import OnlineScorer

            scorer = OnlineScorer(engine=engine)
            served_before_flag: Counter = Counter()
            for event in _time_ordered(stream(), REORDER_WINDOW):
                prompt = event.prompt_text
                decision = scorer.process(event, prompt)
                # As requests_before_flag in the verdict spec: the request that raises the flag is the first
                # one the policy acts on (a gateway sees its prompt and identity before forwarding it).
                if not decision.flagged:
                    served_before_flag[event.account_id] += 1
                columns.add(event, prompt)
                account_hours.setdefault(event.account_id, Counter())[int(event.ts.timestamp() // 3600)] += 1
            engine.fit()
            verdicts = scorer.verdicts()
            for verdict in verdicts:
                verdict["served_before_flag"] = served_before_flag[verdict["account_id"]]
            views = engine.campaigns()
        else:
            for event in stream():
                prompt = event.prompt_text
                engine.ingest(event, prompt)
                columns.add(event, prompt)
                account_hours.setdefault(event.account_id, Counter())[int(event.ts.timestamp() // 3600)] += 1
            verdicts, views = engine.finalize()
        columns.flush()
    finally:
        sink.close()
    campaigns = [_campaign_json(view, engine.threshold) for view in views]
    flagged_ids = {v["account_id"] for v in verdicts if v["flagged"]}
    for account_id, hours in account_hours.items():
        for hour, count in hours.items():
            slot = hourly.setdefault(hour, Counter())
            slot["requests"] += count
            if account_id in flagged_ids:
                slot["flagged"] += count

    stats = {
        "files": [str(p) for p in files],
        "events": new_events,
        "rejects": sink.count,
        "rejects_by_field": dict(sink.by_reason),
        "accounts": len(verdicts),
        "flagged": len(flagged_ids),
        "campaigns": len(campaigns),
        "flagged_campaigns": sum(1 for c in campaigns if c["flagged"]),
        "mode": "replay" if replay else "batch",
        "calibration": engine.calibration(verdicts),
        "seconds": round((datetime.now(timezone.utc) - started).total_seconds(), 3),
    }
    if out:
        write_verdicts(verdicts, Path(out))
    if store is not None:
        scan_id = store.next_scan_id()
        features = {account_id: state.features() for account_id, state in engine.states.items()}
        store.write_results(scan_id, verdicts, campaigns, features)
        if not replay:
            store.save_engine(engine)
        store.record_scan(scan_id, started, stats["files"], new_events, sink.count, len(verdicts), len(flagged_ids), stats["mode"])
        store.close()
    result = ScanResult(verdicts, campaigns, stats, {h: [c["requests"], c["flagged"]] for h, c in sorted(hourly.items())}, engine)
    if report:
        from distillguard.report.html import write_report

        write_report(result, Path(report))
    return result


def _concat_parts(path: Path, workers: int) -> None:
    with open(path, "ab") as out:
        for worker in range(workers):
            part = Path(f"{path}.part{worker}")
            if part.exists():
                out.write(part.read_bytes())
                part.unlink()


def _count_lines(path: Path) -> int:
    from distillguard.events.readers import open_binary

    with open_binary(path) as handle:
        return sum(1 for _ in handle)


def write_verdicts(verdicts: list[dict[str, Any]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        for verdict in sorted(verdicts, key=lambda v: -v["risk"]):
            handle.write(orjson.dumps(verdict, option=orjson.OPT_SERIALIZE_NUMPY) + b"\n")
