"""The durable event log: api-events as JSONL, group-committed with fsync.

Guarantee: `append()` returns a future that completes only once the line is written and
`fsync`ed. The gateway awaits it before it releases the *last* byte of a response (the whole
body of a non-streamed response; the terminal `data: [DONE]` of a stream, while every other
SSE event is relayed as it arrives). So every response a client received completely has its
event on disk, even after `kill -9` or a power cut (a stream from an upstream that never sends
`[DONE]` has nothing to hold back, and so no such guarantee). A response cut short by a crash may or may not be in the log (its client
saw an incomplete response). Concurrent appends share one fsync (group commit).

The order of lines is the order in which the gateway's scorer processed the events, so
replaying the log with a fresh `OnlineScorer` rebuilds exactly the scorer's state: that is how
a restarted gateway resumes (optionally from a snapshot plus the log's tail).
"""

from __future__ import annotations

import concurrent.futures
import os
import queue
import threading
from pathlib import Path
from typing import Iterator

import orjson

from distillguard.gateway.files import ensure_private


def repair_tail(path: Path) -> int:
    """Drop a torn last line (a crash mid-write); returns the bytes removed."""
    if not path.exists():
        return 0
    size = path.stat().st_size
    if size == 0:
        return 0
    with open(path, "rb+") as handle:
        handle.seek(max(0, size - 1))
        if handle.read(1) == b"\n":
            return 0
        step = 65536
        pos = size
        while pos > 0:
            start = max(0, pos - step)
            handle.seek(start)
            chunk = handle.read(pos - start)
            cut = chunk.rfind(b"\n")
            if cut >= 0:
                keep = start + cut + 1
                break
            pos = start
        else:
            keep = 0
        handle.truncate(keep)
        handle.flush()
        os.fsync(handle.fileno())
        return size - keep


def iter_events(path: str | Path, offset: int = 0) -> Iterator[tuple[int, dict]]:
    """(end offset, event) for each complete line from `offset`."""
    with open(path, "rb") as handle:
        handle.seek(offset)
        pos = offset
        for line in handle:
            pos += len(line)
            if not line.endswith(b"\n"):
                break  # torn tail
            if line.strip():
                yield pos, orjson.loads(line)


class EventLog:
    def __init__(self, path: str | Path, max_batch: int = 512) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.repaired_bytes = repair_tail(self.path)
        ensure_private(self.path)
        self._handle = open(self.path, "ab")
        self.offset = self._handle.tell()
        self.logical_offset = self.offset  # where the log ends once every queued line is written
        self._queue: queue.Queue = queue.Queue()
        self._max_batch = max_batch
        self.appended = 0
        self.fsyncs = 0
        self.fsync_seconds = 0.0
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="dg-eventlog", daemon=True)
        self._thread.start()

    def append(self, line: bytes) -> concurrent.futures.Future:
        future: concurrent.futures.Future = concurrent.futures.Future()
        if self._closed:
            future.set_exception(RuntimeError("event log is closed"))
            return future
        self._queue.put((line, future))
        self.logical_offset += len(line)
        self.appended += 1
        return future

    def _run(self) -> None:
        import time

        while True:
            item = self._queue.get()
            if item is None:
                return
            batch = [item]
            stop = False
            while len(batch) < self._max_batch:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                batch.append(nxt)
            try:
                self._handle.write(b"".join(line for line, _ in batch))
                self._handle.flush()
                started = time.perf_counter()
                os.fsync(self._handle.fileno())
                self.fsync_seconds += time.perf_counter() - started
                self.fsyncs += 1
                self.offset = self._handle.tell()
                for _, future in batch:
                    future.set_result(None)
            except Exception as exc:  # disk full, I/O error: every waiter learns it
                for _, future in batch:
                    future.set_exception(exc)
            if stop:
                return

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        self._thread.join(timeout=30)
        self._handle.close()
