"""Batch scans on several cores, with results identical to one process.

The parent reads every line once, validates it and de-duplicates request ids globally
(the same code as a single-process scan, so rejects, duplicates and offsets are the same),
then routes each accepted event to the worker that owns its PARSED account id. It sends
a batch of the accepted lines as read (one bytes object: nothing for the parent's garbage
collector to track, and cheaper to build than the JSON of slim records it replaced); the
worker decodes each line again, without the checks it has passed, and builds
complete per-account state in file order, so every account lives in exactly one worker
and merging the states is a disjoint union. Workers only compute; the parent stores
events and commits, so a worker that dies aborts the scan before anything is committed,
and no temporary files are left behind.
"""

from __future__ import annotations

import gc
import multiprocessing
import queue
from collections.abc import Iterator
from typing import Any

from datetime import datetime, timezone

import orjson

from distillguard.events.model import ApiEvent, extract_prompt

BATCH_LINES = 2_000
_POLL_S = 0.5


class WorkerDied(RuntimeError):
    """A parallel scan worker exited before returning its states; nothing was committed."""


def pack(lines: list[bytes]) -> bytes:
    """A batch for the queue: the accepted lines as they were read, joined by newlines (a line never
    holds one). Bytes are one object to pickle and none for the parent's garbage collector to
    track, while a batch of decoded records kept every event's dicts alive until it was sent."""
    return b"\n".join(lines)


def unpack(batch: bytes) -> Iterator[ApiEvent]:
    """The worker's events of a batch, in the parent's order, one at a time (a list of a whole batch of
    decoded events would keep thousands of dicts alive for the garbage collector to walk)."""
    loads = orjson.loads
    for line in batch.split(b"\n"):
        yield worker_event(loads(line.strip()))  # stripped as decode_line does


def worker_event(obj: dict) -> ApiEvent:
    """`parse_event(obj)` for a record the parent has already validated, without its checks.

    The parent sends only lines that `parse_event` accepted, and it keeps nothing it derived, so
    the worker builds the event from the same JSON again, value for value as `parse_event` does: a
    float token count it would normalise to an int is read through int() by the features, and the
    numbers it converts (cost, latency) are converted here the same way."""
    ts = datetime.fromisoformat(obj["ts"]).astimezone(timezone.utc)
    request = obj["request"]
    get = obj.get
    cost, latency = get("cost_usd"), get("latency_ms")
    event = ApiEvent(obj["request_id"], ts, obj["account_id"], request, get("org_id"), get("api_key_id"), get("ip"),
                     get("user_agent"), get("endpoint"), get("model"), get("response"), get("status"),
                     None if cost is None else float(cost), None if latency is None else float(latency), get("account"), obj)
    event._prompt = extract_prompt(request)
    return event


def _work(config: dict, inbox, outbox) -> None:
    from distillguard.scoring.engine import DetectionEngine

    # Everything inherited from the parent lives as long as this process: keep it out of the
    # collector's passes (and its pages unwritten, so the fork shares them).
    gc.freeze()
    engine = DetectionEngine(config)
    while True:
        batch = inbox.get()
        if batch is None:
            break
        ingest = engine.ingest
        for event in unpack(batch):
            ingest(event, event._prompt)
    # Its accounts' features too: their states are final, and the parent's tail runs on one core
    # while the workers' cores idle (the parent would compute the same dicts there).
    outbox.put((engine.states, engine.account_features()))


class AccountPartitions:
    """Worker processes that each ingest the accounts they own; `add` routes, `finish` merges."""

    def __init__(self, workers: int, config: dict) -> None:
        context = multiprocessing.get_context("fork")
        self.workers = workers
        self.outbox = context.Queue()
        self.inboxes = [context.Queue(maxsize=8) for _ in range(workers)]
        self.batches: list[list[bytes]] = [[] for _ in range(workers)]
        self.owner: dict[str, int] = {}  # account id -> its worker
        self.routed = [0] * workers  # events sent to each worker so far
        self.procs = [context.Process(target=_work, args=(config, inbox, self.outbox), daemon=True) for inbox in self.inboxes]
        for proc in self.procs:
            proc.start()

    def add(self, event: ApiEvent, line: bytes) -> None:
        """Route an accepted event, as the line it was decoded from, to the worker owning its account.

        An account is owned by the worker that had been sent the fewest events when the account's
        first event came (a hash of the id left one worker 10% more events on the throughput log,
        and the other core idle at the end); the owner never changes, so each account's events
        stay in one worker, in file order."""
        worker = self.owner.get(event.account_id)
        if worker is None:
            routed = self.routed
            worker = self.owner[event.account_id] = routed.index(min(routed))
        self.routed[worker] += 1
        batch = self.batches[worker]
        batch.append(line)
        if len(batch) >= BATCH_LINES:
            self._send(worker, pack(batch))
            self.batches[worker] = []

    def _check(self) -> None:
        for number, proc in enumerate(self.procs):
            if not proc.is_alive() and proc.exitcode not in (0, None):
                raise WorkerDied(f"parallel scan worker {number} exited with code {proc.exitcode}; nothing was committed")

    def _send(self, worker: int, batch: bytes | None) -> None:
        while True:
            try:
                self.inboxes[worker].put(batch, timeout=_POLL_S)
                return
            except queue.Full:
                self._check()

    def finish(self) -> tuple[dict[str, Any], dict[str, dict[str, float]]]:
        """Flush the last batches and return the union of the workers' account states, and of their
        features (`DetectionEngine.account_features()`, in the order of the states)."""
        for worker, batch in enumerate(self.batches):
            if batch:
                self._send(worker, pack(batch))
            self._send(worker, None)
        states: dict[str, Any] = {}
        features: dict[str, dict[str, float]] = {}
        for _ in self.procs:
            while True:
                try:
                    part = self.outbox.get(timeout=_POLL_S)
                    break
                except queue.Empty:
                    self._check()
                    if all(not p.is_alive() for p in self.procs) and self.outbox.empty():
                        raise WorkerDied("parallel scan workers exited without returning their states; nothing was committed")
            states.update(part[0])
            features.update(part[1])
        for proc in self.procs:
            proc.join()
        return states, features

    def close(self) -> None:
        """Stop workers that are still running (after an error in the parent).

        Lines queued for a dead worker are dropped rather than flushed at exit: otherwise the
        queue's feeder thread would wait forever for a reader that is gone."""
        for proc in self.procs:
            if proc.is_alive():
                proc.kill()
            proc.join()
        for inbox in self.inboxes:
            inbox.cancel_join_thread()
            inbox.close()
