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


class _ParquetParts:
    """Stands in for the store inside a worker: writes event batches to Parquet files that the
    parent loads in one statement (far cheaper than sending rows back through a pipe)."""

    def __init__(self, folder: Path, worker: int) -> None:
        self.folder, self.worker, self.paths = folder, worker, []

    def append_events(self, columns: dict[str, list]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        from distillguard.store.duckdb_store import EVENT_SCHEMA

        path = self.folder / f"events-w{self.worker}-{len(self.paths):05d}.parquet"
        pq.write_table(pa.Table.from_pydict(columns, schema=EVENT_SCHEMA), path)
        self.paths.append(str(path))


def _work(args: tuple) -> dict[str, Any]:
    files, starts, worker, workers, config, parts_dir, rejects_path = args
    from distillguard.adapters.evidence import Coverage
    from distillguard.pipeline import _EventColumns
    from distillguard.scoring.engine import DetectionEngine

    engine = DetectionEngine(config)
    sink = RejectSink(Path(rejects_path) if rejects_path else None)
    parts = _ParquetParts(Path(parts_dir), worker) if parts_dir else None
    columns = _EventColumns(parts)
    hours: dict[str, dict[int, int]] = {}
    seen: set[str] = set()
    duplicates = 0
    coverage = Coverage()
    lines_done: dict[str, int] = {}
    owns = lambda line: owner_of(line, workers) == worker  # noqa: E731
    for path in files:
        start = starts.get(str(path), 0)
        last = start
        for last, event in iter_file(Path(path), sink, start_line=start, owns=owns):
            if event.request_id in seen:
                duplicates += 1  # one request id lives in one partition (its account's), so the count is exact
                continue
            seen.add(event.request_id)
            coverage.observe(event)
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
            "parquet_parts": parts.paths if parts else [], "hours": hours, "events": len(seen), "duplicates": duplicates,
            "coverage": coverage}


def run_partitioned(files: list[Path], starts: dict[str, int], workers: int, config: dict, parts_dir: Path | None,
                    rejects_path: Path | None) -> list[dict[str, Any]]:
    """Run the workers; event rows land as Parquet files under `parts_dir` (None: not kept)."""
    context = multiprocessing.get_context("fork")
    jobs = [(files, starts, w, workers, config, str(parts_dir) if parts_dir else None, f"{rejects_path}.part{w}" if rejects_path else None)
            for w in range(workers)]
    with context.Pool(workers) as pool:
        return pool.map(_work, jobs)
