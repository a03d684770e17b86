"""Streaming readers for API event logs, with rejects that are never silently lost.

A log is read chunk by chunk (JSONL: plain, .gz, .zst) or batch by batch (Parquet), so a
10 GB log needs no more memory than one batch, and a line longer than the limit is skipped
without ever being held whole. Every record that cannot be used goes to the reject sink
with its file, line, field and reason; a damaged compressed file keeps what could be
decompressed and adds one reject naming the compressed byte offset of the damage.
`strict=True` turns the first reject into an error instead.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from distillguard.events.model import ApiEvent, EventError, parse_event

# A line this long cannot be a sane event; refuse it before decoding it (and before buffering it).
MAX_LINE_BYTES = 8 * 1024 * 1024
CHUNK_BYTES = 1 << 20
_BOM = b"\xef\xbb\xbf"
# What a folder is searched for: JSON lines under any of the usual names, compressed or not, and Parquet.
LOG_SUFFIXES = (".jsonl", ".ndjson", ".json", ".log")
COMPRESSED_SUFFIXES = ("", ".gz", ".zst", ".zstd")
PARQUET_SUFFIXES = (".parquet", ".pq")


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
    """Collects rejects, writes them as JSONL when a path is given, and counts them.

    The file holds the rejects of this run only: it is replaced, not appended to, so a
    rerun does not double it.
    """

    path: Path | None = None
    strict: bool = False
    count: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)
    first: list[Reject] = field(default_factory=list)
    _handle: IO[bytes] | None = None

    def __post_init__(self) -> None:
        if self.path is not None and self.path.exists():
            self.path.unlink()

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
                self._handle = open(self.path, "wb")
            self._handle.write(orjson.dumps(reject.to_json()) + b"\n")

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


class StreamDamage(Exception):
    """A compressed stream that cannot be decoded past `offset` (compressed bytes)."""

    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(reason)
        self.offset, self.reason = offset, reason


def _compression(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".gz"):
        return "gzip"
    if name.endswith((".zst", ".zstd")):
        return "zstd"
    return ""


def _raw_chunks(handle: IO[bytes], size: int) -> Iterator[bytes]:
    while True:
        data = handle.read(size)
        if not data:
            return
        yield data


def _decompressed(path: Path, kind: str) -> Iterator[bytes]:
    """Decompressed chunks of a gzip or zstd file, member after member / frame after frame.

    Raises StreamDamage at corrupt data, trailing garbage or a truncated end, after every
    byte that could be decoded was yielded.
    """
    if kind == "gzip":
        new, errors, name = (lambda: zlib.decompressobj(wbits=31)), (zlib.error,), "gzip"
    else:
        import zstandard

        new, errors, name = (lambda: zstandard.ZstdDecompressor().decompressobj()), (zstandard.ZstdError,), "zstd"
    offset = 0  # compressed bytes fully consumed so far
    decoder, fed = new(), False
    with open(path, "rb") as handle:
        for data in _raw_chunks(handle, 1 << 16):
            while data:
                if not fed:  # between members: zero padding is allowed (gzip tools write it)
                    stripped = data.lstrip(b"\x00")
                    offset += len(data) - len(stripped)
                    data = stripped
                    if not data:
                        break
                try:
                    out = decoder.decompress(data)
                except errors as exc:
                    raise StreamDamage(offset, f"{name} data corrupt near compressed byte {offset:,} ({exc})") from None
                fed = True
                if out:
                    yield out
                if decoder.eof:
                    rest = decoder.unused_data
                    offset += len(data) - len(rest)
                    data = rest
                    decoder, fed = new(), False
                else:
                    offset += len(data)
                    data = b""
    if fed:
        raise StreamDamage(offset, f"{name} stream truncated at compressed byte {offset:,} (file ends inside a {'member' if kind == 'gzip' else 'frame'})")


def open_binary(path: Path) -> IO[bytes]:
    """Open plain, gzip or zstd files by extension (a tolerant reader is `LineReader`)."""
    import gzip

    kind = _compression(path)
    if kind == "gzip":
        return gzip.open(path, "rb")
    if kind == "zstd":
        import zstandard

        return zstandard.ZstdDecompressor().stream_reader(open(path, "rb"), read_across_frames=True)
    return open(path, "rb")


def _snippet(raw: bytes) -> str:
    return raw[:160].decode("utf-8", errors="replace")


def first_line(path: Path, limit: int) -> bytes:
    """The first line of a file (at most `limit` decompressed bytes, no newline), for sniffing its format.

    Tolerant like LineReader: a damaged or truncated stream gives what could be decoded."""
    kind = _compression(Path(path))
    if not kind:
        with open(path, "rb") as handle:
            return handle.readline(limit).rstrip(b"\n")
    out, size = [], 0
    try:
        for chunk in _decompressed(Path(path), kind):
            out.append(chunk)
            size += len(chunk)
            if b"\n" in chunk or size >= limit:
                break
    except StreamDamage:
        pass
    return b"".join(out)[:limit].split(b"\n", 1)[0]


class LineReader:
    """The lines of one log, with the bookkeeping a resumable scan needs.

    `complete_lines` counts newline-terminated lines read so far: the offset a later scan
    of the grown log resumes from. A last line without a newline is still offered (a file
    may simply lack the final newline) but not counted, so it is read again once the
    writer finishes it.
    """

    def __init__(self, path: Path, sink: RejectSink, start_line: int = 0) -> None:
        self.path, self.sink, self.start_line = Path(path), sink, start_line
        self.label = str(path)
        self.complete_lines = 0
        self.unterminated = False

    def _chunks(self) -> Iterator[bytes]:
        kind = _compression(self.path)
        if not kind:
            with open(self.path, "rb") as handle:
                yield from _raw_chunks(handle, CHUNK_BYTES)
        else:
            yield from _decompressed(self.path, kind)

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        """(line number, line bytes without the newline) for each line past `start_line`."""
        pending: list[bytes] = []
        pending_size = 0
        oversize = False  # the current line passed the limit: its bytes are counted, not kept
        number = 0
        damage: StreamDamage | None = None
        chunks = self._chunks()
        while True:
            try:
                chunk = next(chunks)
            except StopIteration:
                break
            except StreamDamage as exc:
                damage = exc
                break
            start = 0
            while True:
                end = chunk.find(b"\n", start)
                piece = chunk[start:] if end < 0 else chunk[start:end]
                pending_size += len(piece)
                if pending_size > MAX_LINE_BYTES:
                    oversize, pending = True, []
                elif not oversize:
                    pending.append(piece)
                if end < 0:
                    break
                number += 1
                self.complete_lines = number
                if number > self.start_line:
                    line = self._finish(number, pending, pending_size, oversize)
                    if line is not None:
                        yield number, line
                pending, pending_size, oversize = [], 0, False
                start = end + 1
        if pending_size:
            number += 1
            self.unterminated = True
            if number > self.start_line:
                line = self._finish(number, pending, pending_size, oversize, last=damage is None)
                if line is not None:
                    yield number, line
        if damage is not None:
            self.sink.add(Reject(self.label, number + 1, "<compression>",
                                 f"{damage.reason}; the {self.complete_lines:,} complete line(s) before it were read"))

    def _finish(self, number: int, pieces: list[bytes], size: int, oversize: bool, last: bool = False) -> bytes | None:
        if oversize:
            self.sink.add(Reject(self.label, number, "<line>", f"record of {size:,} bytes exceeds the {MAX_LINE_BYTES:,}-byte limit"))
            return None
        line = pieces[0] if len(pieces) == 1 else b"".join(pieces)
        if number == 1 and line.startswith(_BOM):
            line = line[len(_BOM):]
        return line


def decode_line(label: str, number: int, raw: bytes, sink: RejectSink, unterminated: bool = False) -> ApiEvent | None:
    """One line to an event, or None after sending the reason to `sink` (blank lines: None, no reject)."""
    stripped = raw.strip()
    if not stripped:
        return None
    tail = " (last line has no newline: a writer may still be appending it)" if unterminated else ""
    try:
        obj = orjson.loads(stripped)
    except orjson.JSONDecodeError as exc:
        try:
            stripped.decode("utf-8")
        except UnicodeDecodeError as uexc:
            sink.add(Reject(label, number, "<line>", f"invalid UTF-8 at byte {uexc.start}{tail}", _snippet(raw)))
            return None
        sink.add(Reject(label, number, "<line>", f"not valid JSON ({exc.msg}; truncated line?){tail}", _snippet(raw)))
        return None
    try:
        return parse_event(obj)
    except EventError as exc:
        sink.add(Reject(label, number, exc.field, exc.reason + tail, _snippet(raw)))
    except (RecursionError, OverflowError, ValueError, TypeError) as exc:  # the last line of defence: never abort a scan
        sink.add(Reject(label, number, "<record>", f"unusable record ({type(exc).__name__}: {str(exc)[:80]})", _snippet(raw)))
    return None


def iter_jsonl(path: Path, sink: RejectSink, start_line: int = 0, reader: LineReader | None = None) -> Iterator[tuple[int, ApiEvent]]:
    """Yield (line number, event) for each valid record; rejects go to `sink`.

    Pass `reader` to learn afterwards how many complete lines were consumed.
    """
    reader = reader or LineReader(path, sink, start_line)
    for number, raw in reader:
        event = decode_line(reader.label, number, raw, sink, unterminated=reader.unterminated)
        if event is not None:
            yield number, event


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


def is_parquet(path: Path) -> bool:
    return path.name.lower().endswith(PARQUET_SUFFIXES)


def iter_file(path: Path, sink: RejectSink, start_line: int = 0, reader: LineReader | None = None) -> Iterator[tuple[int, ApiEvent]]:
    if is_parquet(path):
        yield from iter_parquet(path, sink)
    else:
        yield from iter_jsonl(path, sink, start_line, reader)


def account_tag(account_id: str) -> int:
    """A small stable stand-in for an account id (request-id bookkeeping holds millions of them)."""
    return zlib.crc32(account_id.encode("utf-8", "surrogatepass"))


class RequestIds:
    """Request-id de-duplication for one scan (and the store's earlier scans).

    The same id under the same account is a retry or a re-read line: kept once, counted.
    The same id under another account is not a duplicate but a conflict: rejected, so it
    never vanishes silently.
    """

    def __init__(self, known: dict[str, int] | None = None) -> None:
        self.owner: dict[str, int] = dict(known or {})
        self.duplicates = 0

    def admit(self, event: ApiEvent, label: str, number: int, sink: RejectSink) -> bool:
        tag = account_tag(event.account_id)
        seen = self.owner.get(event.request_id)
        if seen is None:
            self.owner[event.request_id] = tag
            return True
        if seen == tag:
            self.duplicates += 1
        else:
            sink.add(Reject(label, number, "request_id", f"{event.request_id[:60]!r} was already used by another account"))
        return False


def iter_events(paths: Iterable[Path], sink: RejectSink, ids: RequestIds | None = None) -> Iterator[ApiEvent]:
    """All valid events of several files, de-duplicated on request_id within the run."""
    ids = ids or RequestIds()
    for path in paths:
        for number, event in iter_file(Path(path), sink):
            if ids.admit(event, str(path), number, sink):
                yield event


def is_log_file(path: Path) -> bool:
    name = path.name.lower()
    return is_parquet(path) or any(name.endswith(s + c) for s in LOG_SUFFIXES for c in COMPRESSED_SUFFIXES)


def expand_inputs(inputs: Iterable[str | os.PathLike]) -> list[Path]:
    """Files and folders (every JSONL/JSON/log file, compressed or not, and Parquet inside) to a sorted file list."""
    files: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and is_log_file(p)))
        elif path.exists():
            files.append(path)
        else:
            raise FileNotFoundError(f"no such file or directory: {path}")
    return files
