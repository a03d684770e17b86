"""Decoded records of a log file in any container: JSONL, one JSON document or array, CSV, Parquet.

Bytes-level concerns (compression, size limits) come from events.readers; this module
only turns a file into (record number, decoded record) pairs and says, in words, what a
file looks like when no adapter claims it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from distillguard.events.readers import MAX_LINE_BYTES, LineReader, first_line, open_binary

# A single JSON document (not JSONL) is decoded whole; beyond this size it must be JSONL.
MAX_DOCUMENT_BYTES = 512 * 1024 * 1024
SAMPLE_RECORDS = 20


class ContainerError(ValueError):
    """The file cannot be decoded as any container this reader knows."""


def base_name(path: Path) -> str:
    """The file name without a compression suffix: x.csv.gz -> x.csv."""
    name = path.name.lower()
    for suffix in (".gz", ".zst", ".zstd"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def container_of(path: Path) -> str:
    """'csv', 'parquet', 'json' (one document or array) or 'jsonl', from the name and first bytes."""
    name = base_name(path)
    if name.endswith((".csv", ".tsv")):
        return "csv"
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    # The whole first line, however long (an OTLP export line holds hundreds of spans), within the line limit;
    # read tolerantly, so a damaged compressed file is still sniffed (its damage is reported by the reader).
    text = first_line(path, MAX_LINE_BYTES).lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"["):
        return "json"
    if text.startswith(b"{"):
        try:
            orjson.loads(text.strip())
            return "jsonl"
        except orjson.JSONDecodeError:
            return "json"  # a pretty-printed document
    if b"," in text.split(b"\n", 1)[0] and not text.startswith(b"{"):
        return "csv"
    return "jsonl"


def iter_records(path: Path, reject) -> Iterator[tuple[int, Any]]:
    """(number, record) for each record; undecodable lines go to `reject(number, reason, snippet)`.

    Numbers are line numbers for JSONL and CSV (header = line 1), positions for arrays and Parquet.
    """
    kind = container_of(path)
    if kind == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        number = 0
        try:
            for batch in pq.ParquetFile(path).iter_batches(batch_size=20_000):
                for row in batch.to_pylist():
                    number += 1
                    yield number, {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
        except pa.ArrowException as exc:
            raise ContainerError(f"{path}: not a readable Parquet file ({str(exc).splitlines()[0][:160]})") from None
        return
    if kind == "csv":
        # A cell may hold a whole request body (Helicone, LiteLLM exports): allow cells up to the line limit.
        csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE_BYTES))
        with open_binary(path) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
            dialect = "excel-tab" if base_name(path).endswith(".tsv") else "excel"
            reader = csv.DictReader(text, dialect=dialect)
            try:
                for row in reader:
                    if None in row:
                        reject(reader.line_num, "more cells than header columns", "")
                        continue
                    yield reader.line_num, row
            except csv.Error as exc:
                raise ContainerError(f"{path}:{reader.line_num}: not readable as CSV ({exc})") from None
        return
    if kind == "json":
        with open_binary(path) as handle:
            data = handle.read(MAX_DOCUMENT_BYTES + 1)
        if len(data) > MAX_DOCUMENT_BYTES:
            raise ContainerError(f"{path}: a single JSON document over {MAX_DOCUMENT_BYTES // 2**20} MiB; write it as JSONL")
        try:
            doc = orjson.loads(data.lstrip(b"\xef\xbb\xbf"))
        except orjson.JSONDecodeError as exc:
            raise ContainerError(f"{path}: not valid JSON ({exc})") from None
        items = doc if isinstance(doc, list) else [doc]
        for number, item in enumerate(items, start=1):
            yield number, item
        return
    # JSONL through the tolerant line reader: compression damage and oversize lines become rejects.
    for number, line in LineReader(path, _RejectShim(reject)):
        stripped = line.strip()
        if not stripped:
            continue
        try:
            yield number, orjson.loads(stripped)
        except orjson.JSONDecodeError as exc:
            reject(number, f"not valid JSON ({exc.msg})", stripped[:160].decode("utf-8", "replace"))


class _RejectShim:
    """Lets LineReader report to this module's `reject(number, reason, snippet, field)` callbacks."""

    def __init__(self, reject) -> None:
        self.reject = reject

    def add(self, item) -> None:
        self.reject(item.line, item.reason, item.snippet, item.field)


def sample_records(path: Path, limit: int = SAMPLE_RECORDS) -> list[Any]:
    """The first records of a file (undecodable lines skipped), for detection."""
    out: list[Any] = []
    for _, record in iter_records(path, lambda *a: None):
        out.append(record)
        if len(out) >= limit:
            break
    return out


def describe(path: Path) -> str:
    """What a file looks like, in a few words, for the error that says no format matched."""
    try:
        if path.stat().st_size == 0:
            return "an empty file"
        kind = container_of(path)
        sample = sample_records(path, 5)
    except (OSError, EOFError, ContainerError, ValueError) as exc:
        return f"an unreadable file ({str(exc).splitlines()[0][:120]})"
    if not sample:
        return f"a {kind.upper()} file with no decodable record"
    first = sample[0]
    if kind == "json":
        with open_binary(path) as handle:
            is_array = handle.read(4096).lstrip(b"\xef\xbb\xbf").lstrip().startswith(b"[")
    what = {"csv": "CSV", "parquet": "Parquet", "json": "a JSON array" if kind == "json" and is_array else "a JSON document",
            "jsonl": "JSONL"}[kind]
    if isinstance(first, dict):
        keys = list(first)[:8]
        more = "…" if len(first) > 8 else ""
        label = "columns" if kind in ("csv", "parquet") else "keys"
        return f"{what} with {label} {', '.join(keys)}{more}"
    return f"{what} of {type(first).__name__} values"
