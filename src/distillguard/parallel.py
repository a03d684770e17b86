"""Batch scans on several cores: accounts are partitioned across worker processes.

Every account's events go to exactly one worker (by a stable hash of account_id), so
each worker builds complete, exact per-account state with the same code as a
single-process scan; the parent merges the disjoint states, then links and scores as
usual. Workers skim each line for its account_id before decoding it, so a line is fully
parsed by one worker only. Parquet inputs and detectors that watch raw events
(`observe`) need every event in one place, so such scans stay single-process.
"""

from __future__ import annotations

import multiprocessing
import zlib
from pathlib import Path
from typing import Any

from distillguard.events.readers import MAX_LINE_BYTES, RejectSink, iter_file

_KEY = b'"account_id"'


def owner_of(line: bytes, workers: int) -> int:
    """The worker that owns a line; unreadable or oversized lines go to worker 0, which rejects them."""
    if len(line) > MAX_LINE_BYTES:
        return 0
    at = line.find(_KEY)
    if at < 0:
        return 0
    start = line.find(b'"', at + len(_KEY) + 1)
    end = line.find(b'"', start + 1)
    return zlib.crc32(line[start + 1 : end]) % workers if start >= 0 and end > start else 0


class _Batches:
    """Stands in for the store inside a worker: keeps event column batches to hand back."""

    def __init__(self) -> None:
        self.batches: list[dict[str, list]] = []

    def append_events(self, columns: dict[str, list]) -> None:
        self.batches.append({k: list(v) for k, v in columns.items()})


def _work(args: tuple) -> dict[str, Any]:
    files, starts, worker, workers, config, store_events, rejects_path = args
    from distillguard.pipeline import _EventColumns
    from distillguard.scoring.engine import DetectionEngine

    engine = DetectionEngine(config)
    sink = RejectSink(Path(rejects_path) if rejects_path else None)
    batches = _Batches()
    columns = _EventColumns(batches if store_events else None)
    hours: dict[str, dict[int, int]] = {}
    seen: set[str] = set()
    lines_done: dict[str, int] = {}
    owns = lambda line: owner_of(line, workers) == worker  # noqa: E731
    for path in files:
        start = starts.get(str(path), 0)
        last = start
        for last, event in iter_file(Path(path), sink, start_line=start, owns=owns):
            if event.request_id in seen:
                continue
            seen.add(event.request_id)
            prompt = event.prompt_text
            engine.ingest(event, prompt)
            columns.add(event, prompt)
            slot = hours.setdefault(event.account_id, {})
            hour = int(event.ts.timestamp() // 3600)
            slot[hour] = slot.get(hour, 0) + 1
        lines_done[str(path)] = last
    columns.flush()
    sink.close()
    return {"states": engine.states, "reject_count": sink.count, "rejects_by_field": sink.by_reason, "first_rejects": sink.first,
            "batches": batches.batches, "hours": hours, "events": len(seen)}


def run_partitioned(files: list[Path], starts: dict[str, int], workers: int, config: dict, store_events: bool,
                    rejects_path: Path | None) -> list[dict[str, Any]]:
    context = multiprocessing.get_context("fork")
    jobs = [(files, starts, w, workers, config, store_events, f"{rejects_path}.part{w}" if rejects_path else None) for w in range(workers)]
    with context.Pool(workers) as pool:
        return pool.map(_work, jobs)
