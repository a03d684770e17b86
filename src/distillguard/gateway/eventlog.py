"""The durable event log: api-events as JSONL, group-committed with fdatasync.

Guarantee: `append()` returns a future that completes only once the line is durable as the
mode says (below). The gateway awaits it before it releases the *last* byte of a response (the
whole body of a non-streamed response; the terminal `data: [DONE]` of a stream, while every
other SSE event is relayed as it arrives). So every response a client received completely has
its event in the log, even after `kill -9` (and, in `disk` mode, a power cut; a stream from an
upstream that never sends `[DONE]` has nothing to hold back, and so no such guarantee). A
response cut short by a crash may or may not be in the log (its client saw an incomplete
response). Concurrent appends share one fdatasync (group commit: every line queued while the
previous sync ran goes to disk with the next one).

Durability modes (`durability`, the gateway's `--durability`):

* `process` (the gateway's default): the line is written to the OS (`write()`, page cache) on the
  caller's thread before the future completes, and `fdatasync`ed by the writer thread every
  `sync_interval_s` (default 0.1 s). A completed response survives `kill -9` and any crash of the
  gateway process; an OS crash or power cut can lose the last interval's events (detection input,
  not decisions: analysts' blocks and holds are in SQLite, see `decisions`). No disk flush on the
  response path.
* `disk`: the future completes after the line's group is `fdatasync`ed: a completed response
  survives `kill -9`, an OS crash and a power cut. Costs one disk flush per group on the response
  path (0.1-1 ms on an idle SSD, tens of ms on a busy shared disk); at one client every request is
  its own group, so the flush is added to each one's latency.

The order of lines is the order in which the gateway's scorer processed the events, so
replaying the log with a fresh `OnlineScorer` rebuilds exactly the scorer's state: that is how
a restarted gateway resumes (optionally from a snapshot plus the log's tail).

Rotation (`rotate()`): the current file is renamed to an archive segment and a fresh one is
started, in the writer thread's order, so every line queued before lands in the archive and
every line after in the new file. The scoring order is then the segments in name order followed
by the current file; `segments()` lists them.
"""

from __future__ import annotations

import concurrent.futures
import logging
import os
import queue
import threading
from pathlib import Path
from typing import Iterator

import orjson

from distillguard.gateway.files import ensure_private

log = logging.getLogger("distillguard.gateway")

DURABILITY = ("disk", "process")
_sync = getattr(os, "fdatasync", os.fsync)  # the data and the size; no metadata flush (macOS: fsync)


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
    def __init__(self, path: str | Path, max_batch: int = 512, durability: str = "disk",
                 sync_interval_s: float = 0.1) -> None:
        if durability not in DURABILITY:
            raise ValueError(f"durability must be one of {', '.join(DURABILITY)}, got {durability!r}")
        self.durability = durability
        self.sync_interval_s = sync_interval_s
        self._lock = threading.Lock()  # the handle: appends (process mode), the writer, rotation
        self._unsynced = False
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.repaired_bytes = repair_tail(self.path)
        ensure_private(self.path)
        self._handle = open(self.path, "ab")
        self.inode = os.fstat(self._handle.fileno()).st_ino  # tells a rotated file from its successor
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
        self.logical_offset += len(line)
        self.appended += 1
        if self.durability == "process":
            try:
                with self._lock:
                    self._handle.write(line)
                    self._handle.flush()  # in the OS now: survives the process
                    self.offset += len(line)
                    self._unsynced = True
                future.set_result(None)
            except Exception as exc:
                future.set_exception(exc)
            return future
        self._queue.put((line, future))
        return future

    def _sync_now(self) -> None:
        import time

        started = time.perf_counter()
        _sync(self._handle.fileno())
        self.fsync_seconds += time.perf_counter() - started
        self.fsyncs += 1

    def rotate(self, archive: Path, timeout_s: float = 30.0) -> None:
        """Rename the file to `archive` and continue in a new one; returns once done (one fsync).
        Call from the thread that appends, so no line is queued meanwhile."""
        done = threading.Event()
        failure: list[BaseException] = []
        self._queue.put(("rotate", archive, done, failure))
        if not done.wait(timeout_s):
            raise TimeoutError("event log rotation did not finish")
        if failure:
            raise failure[0]
        self.logical_offset = 0

    def _rotate_now(self, archive: Path) -> None:
        with self._lock:
            self._rotate_locked(archive)

    def _rotate_locked(self, archive: Path) -> None:
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        os.rename(self.path, archive)
        ensure_private(self.path)
        self._handle = open(self.path, "ab")
        self.inode = os.fstat(self._handle.fileno()).st_ino
        self.offset = 0
        dir_fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def _run(self) -> None:
        while True:
            if self.durability == "process":
                try:
                    item = self._queue.get(timeout=self.sync_interval_s)
                except queue.Empty:
                    item = "tick"
                with self._lock:  # only to read the flag: appends must never wait for the disk
                    due, self._unsynced = self._unsynced, False
                if due:  # this thread alone rotates or closes the handle, so the sync may run unlocked
                    try:
                        self._sync_now()
                    except OSError as exc:
                        log.warning("event log fdatasync failed: %s", exc)
                if item == "tick":
                    continue
            else:
                item = self._queue.get()
            if item is None:
                return
            if isinstance(item[0], str):  # a rotation marker
                self._handle_rotation(item)
                continue
            batch = [item]
            stop = False
            marker = None
            while len(batch) < self._max_batch:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                if isinstance(nxt[0], str):  # rotate after writing what was queued before it
                    marker = nxt
                    break
                batch.append(nxt)
            try:
                with self._lock:
                    self._handle.write(b"".join(line for line, _ in batch))
                    self._handle.flush()
                    self._sync_now()
                    self.offset = self._handle.tell()
                for _, future in batch:
                    future.set_result(None)
            except Exception as exc:  # disk full, I/O error: every waiter learns it
                for _, future in batch:
                    future.set_exception(exc)
            if marker is not None:
                self._handle_rotation(marker)
            if stop:
                return

    def _handle_rotation(self, marker: tuple) -> None:
        _, archive, done, failure = marker
        try:
            self._rotate_now(archive)
        except Exception as exc:
            failure.append(exc)
        done.set()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        self._thread.join(timeout=30)
        with self._lock:
            if self._unsynced:
                self._sync_now()
            self._handle.close()


def segments(path: str | Path) -> list[Path]:
    """The log's rotated segments (oldest first), then the current file: the scoring order."""
    path = Path(path)
    archives = sorted(path.parent.glob(f"{path.stem}.*{path.suffix}"))
    return [p for p in archives if p != path] + [path]


def archive_name(path: Path, generation: int) -> Path:
    """`events.jsonl` -> `events.<UTC time>-<generation>.jsonl`; names sort in rotation order."""
    from datetime import datetime, timezone

    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    return path.with_name(f"{path.stem}.{stamp}-{generation:06d}{path.suffix}")
