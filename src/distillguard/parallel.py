"""Batch scans on several cores, with results identical to one process.

The parent reads every line once, validates it and de-duplicates request ids globally
(the same code as a single-process scan, so rejects, duplicates and offsets are the same),
then routes each accepted event to the worker that owns its PARSED account id. It sends
a batch of slim records, only what detection reads (not the lines: decoding the whole
record again in the worker cost as much as all the parent's validation), as one compact
JSON blob (pickling the same records per object cost three times more), and the worker builds
complete per-account state in file order, so every account lives in exactly one worker
and merging the states is a disjoint union. Workers only compute; the parent stores
events and commits, so a worker that dies aborts the scan before anything is committed,
and no temporary files are left behind.
"""

from __future__ import annotations

import gc
import multiprocessing
import queue
import zlib
from typing import Any

from datetime import datetime

import orjson

from distillguard.events.model import ApiEvent
from distillguard.features.reuse import RESPONSE_CHARS

BATCH_LINES = 2_000
_POLL_S = 0.5


class WorkerDied(RuntimeError):
    """A parallel scan worker exited before returning its states; nothing was committed."""


def owner_of(account_id: str, workers: int) -> int:
    """The worker that owns an account (a stable hash of the parsed id)."""
    return zlib.crc32(account_id.encode("utf-8", "surrogatepass")) % workers


def slim(event: ApiEvent) -> tuple:
    """What the detection engine reads of an event (features/account.py), for the trip to a worker.

    The response travels as its token counts (the prompt and completion token figures the parent
    already derived, usage or text length) and the head of its text that response reuse reads."""
    return (event.request_id, event.ts, event.account_id, event.request, event.org_id, event.api_key_id, event.ip,
            event.user_agent, event.endpoint, event.model, event.prompt_tokens, event.completion_tokens, event.status,
            event.cost_usd, event.latency_ms, event.account, event.prompt_text, event.response_text[:RESPONSE_CHARS])


def pack(batch: list[tuple]) -> bytes | list[tuple]:
    """A batch for the queue: one JSON blob (the records came from JSON, so they round-trip
    exactly: timestamps as RFC 3339 with microseconds), or the list itself in the rare case a
    value is not JSON-encodable (then it is pickled)."""
    try:
        return orjson.dumps(batch)
    except (TypeError, orjson.JSONEncodeError):
        return batch


def unpack(batch: bytes | list) -> list:
    return orjson.loads(batch) if isinstance(batch, bytes) else batch


def unslim(item: tuple | list) -> ApiEvent:
    """The worker's event: the same values detection reads as the parent's event had."""
    (request_id, ts, account_id, request, org_id, api_key_id, ip, user_agent, endpoint, model, prompt_tokens,
     completion_tokens, status, cost_usd, latency_ms, account, prompt, answer) = item
    usage = {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens}
    if not isinstance(ts, datetime):
        ts = datetime.fromisoformat(ts)
    event = ApiEvent(request_id, ts, account_id, request, org_id, api_key_id, ip, user_agent, endpoint, model,
                     {"usage": usage, "choices": [{"message": {"content": answer}}]}, status, cost_usd, latency_ms, account)
    event._prompt = prompt
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
        for item in unpack(batch):
            event = unslim(item)
            engine.ingest(event, event._prompt)
    outbox.put(engine.states)


class AccountPartitions:
    """Worker processes that each ingest the accounts they own; `add` routes, `finish` merges."""

    def __init__(self, workers: int, config: dict) -> None:
        context = multiprocessing.get_context("fork")
        self.workers = workers
        self.outbox = context.Queue()
        self.inboxes = [context.Queue(maxsize=8) for _ in range(workers)]
        self.batches: list[list[tuple]] = [[] for _ in range(workers)]
        self.procs = [context.Process(target=_work, args=(config, inbox, self.outbox), daemon=True) for inbox in self.inboxes]
        for proc in self.procs:
            proc.start()

    def add(self, event: ApiEvent) -> None:
        worker = owner_of(event.account_id, self.workers)
        batch = self.batches[worker]
        batch.append(slim(event))
        if len(batch) >= BATCH_LINES:
            self._send(worker, pack(batch))
            self.batches[worker] = []

    def _check(self) -> None:
        for number, proc in enumerate(self.procs):
            if not proc.is_alive() and proc.exitcode not in (0, None):
                raise WorkerDied(f"parallel scan worker {number} exited with code {proc.exitcode}; nothing was committed")

    def _send(self, worker: int, batch: bytes | list[tuple] | None) -> None:
        while True:
            try:
                self.inboxes[worker].put(batch, timeout=_POLL_S)
                return
            except queue.Full:
                self._check()

    def finish(self) -> dict[str, Any]:
        """Flush the last batches and return the union of the workers' account states."""
        for worker, batch in enumerate(self.batches):
            if batch:
                self._send(worker, pack(batch))
            self._send(worker, None)
        states: dict[str, Any] = {}
        for _ in self.procs:
            while True:
                try:
                    part = self.outbox.get(timeout=_POLL_S)
                    break
                except queue.Empty:
                    self._check()
                    if all(not p.is_alive() for p in self.procs) and self.outbox.empty():
                        raise WorkerDied("parallel scan workers exited without returning their states; nothing was committed")
            states.update(part)
        for proc in self.procs:
            proc.join()
        return states

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
