"""Streaming readers for API event logs, with rejects that are never silently lost.

A log is read line by line (JSONL: plain, .gz, .zst) or batch by batch (Parquet), so a
10 GB log needs no more memory than one batch. Every record that cannot be used goes
to the reject sink with its file, line, field and reason; `strict=True` turns the
first reject into an error instead.
"""

from __future__ import annotations

import gzip
import io
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from distillguard.events.model import ApiEvent, EventError, parse_event

# A line this long cannot be a sane event; refuse it before decoding it.
MAX_LINE_BYTES = 8 * 1024 * 1024


class StrictModeError(RuntimeError):
    """Raised in strict mode at the first malformed record."""


@dataclass(slots=True)
class Reject:
    file: str
    line: int
    field: str
    reason: str
    snippet: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "field": self.field, "reason": self.reason, "snippet": self.snippet}

    def one_line(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.reason}"


@dataclass
class RejectSink:
    """Collects rejects, writes them as JSONL when a path is given, and counts them."""

    path: Path | None = None
    strict: bool = False
    count: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)
    first: list[Reject] = field(default_factory=list)
    _handle: IO[bytes] | None = None

    def add(self, reject: Reject) -> None:
        if self.strict:
            raise StrictModeError(reject.one_line())
        self.count += 1
        self.by_reason[reject.field] = self.by_reason.get(reject.field, 0) + 1
        if len(self.first) < 20:
            self.first.append(reject)
        if self.path is not None:
            if self._handle is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._handle = open(self.path, "ab")
            self._handle.write(orjson.dumps(reject.to_json()) + b"\n")

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def open_binary(path: Path) -> IO[bytes]:
    """Open plain, gzip or zstd files by extension."""
    name = path.name.lower()
    if name.endswith(".gz"):
        return gzip.open(path, "rb")
    if name.endswith(".zst") or name.endswith(".zstd"):
        import zstandard

        return zstandard.ZstdDecompressor().stream_reader(open(path, "rb"), read_across_frames=True)
    return open(path, "rb")


def _snippet(raw: bytes) -> str:
    return raw[:160].decode("utf-8", errors="replace")


def iter_jsonl(path: Path, sink: RejectSink, start_line: int = 0, owns: Callable[[bytes], bool] | None = None) -> Iterator[tuple[int, ApiEvent]]:
    """Yield (line number, event) for each valid record; rejects go to `sink`.

    `owns`, when given, picks the lines this reader is responsible for (parallel scans
    partition a file by account); other lines are skipped without being decoded.
    """
    label = str(path)
    with open_binary(path) as raw_handle:
        handle = io.BufferedReader(raw_handle, buffer_size=1 << 20) if not isinstance(raw_handle, io.BufferedReader) else raw_handle
        for number, raw in enumerate(handle, start=1):
            if number <= start_line or (owns is not None and not owns(raw)):
                continue
            if len(raw) > MAX_LINE_BYTES:
                sink.add(Reject(label, number, "<line>", f"record of {len(raw):,} bytes exceeds the {MAX_LINE_BYTES:,}-byte limit", _snippet(raw)))
                continue
            stripped = raw.strip()
            if not stripped:
                continue
            try:
                obj = orjson.loads(stripped)
            except orjson.JSONDecodeError as exc:
                try:
                    stripped.decode("utf-8")
                except UnicodeDecodeError as uexc:
                    sink.add(Reject(label, number, "<line>", f"invalid UTF-8 at byte {uexc.start}", _snippet(raw)))
                    continue
                sink.add(Reject(label, number, "<line>", f"not valid JSON ({exc.msg}; truncated line?)", _snippet(raw)))
                continue
            try:
                yield number, parse_event(obj)
            except EventError as exc:
                sink.add(Reject(label, number, exc.field, exc.reason, _snippet(raw)))


def iter_parquet(path: Path, sink: RejectSink, batch_size: int = 20_000) -> Iterator[tuple[int, ApiEvent]]:
    """Parquet with the event fields as columns (nested request/response as structs or JSON strings)."""
    import pyarrow.parquet as pq

    label = str(path)
    number = 0
    parquet = pq.ParquetFile(path)
    for batch in parquet.iter_batches(batch_size=batch_size):
        for row in batch.to_pylist():
            number += 1
            for key in ("request", "response", "account"):
                value = row.get(key)
                if isinstance(value, (str, bytes)):
                    try:
                        row[key] = orjson.loads(value)
                    except orjson.JSONDecodeError:
                        sink.add(Reject(label, number, key, "column holds a string that is not JSON"))
                        break
            else:
                if hasattr(row.get("ts"), "isoformat"):
                    row["ts"] = row["ts"].isoformat()
                if isinstance(row.get("request"), dict):
                    row["request"] = {k: v for k, v in row["request"].items() if v is not None}
                try:
                    yield number, parse_event(row)
                except EventError as exc:
                    sink.add(Reject(label, number, exc.field, exc.reason))


def iter_file(path: Path, sink: RejectSink, start_line: int = 0, owns: Callable[[bytes], bool] | None = None) -> Iterator[tuple[int, ApiEvent]]:
    if path.name.lower().endswith((".parquet", ".pq")):
        yield from iter_parquet(path, sink)
    else:
        yield from iter_jsonl(path, sink, start_line, owns)


def iter_events(paths: Iterable[Path], sink: RejectSink) -> Iterator[ApiEvent]:
    """All valid events of several files, de-duplicated on request_id within the run."""
    seen: set[str] = set()
    for path in paths:
        for _, event in iter_file(Path(path), sink):
            if event.request_id in seen:
                continue
            seen.add(event.request_id)
            yield event


def expand_inputs(inputs: Iterable[str | os.PathLike]) -> list[Path]:
    """Files and directories (all *.jsonl*, *.parquet inside) to a sorted file list."""
    files: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and (".jsonl" in p.name or p.suffix == ".parquet")))
        elif path.exists():
            files.append(path)
        else:
            raise FileNotFoundError(f"no such file or directory: {path}")
    return files
