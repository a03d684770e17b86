"""A scorer that consumes one partition of the bus, with checkpointed state.

Exactly-once *effect* on a log with at-least-once delivery:

1. The scorer reads records of its partition after `offset` and feeds each event to a
   `replay.OnlineScorer` (the same incremental engine the gateway runs).
2. Every `checkpoint_every` events (or `checkpoint_seconds`), it writes ONE file holding
   the scorer (in the data-only snapshot format: no pickle on disk), the offset of the last event folded into it, and the request ids
   seen recently: written to a temporary file, fsync'ed, then `os.replace`d over the
   previous checkpoint (atomic on POSIX), and the directory is fsync'ed.
3. Only then does it `commit` the offset to the broker (for lag monitoring/retention).

A scorer killed at any point restarts from its last checkpoint: its state is exactly
the state after event `offset`, and it reads from `offset + 1`, so events after the
checkpoint are processed once again *on that state* (none lost, none counted twice).
Records at or below the offset are skipped if a backend redelivers them, and a request
id already seen (a gateway that retried a publish) is skipped as a second guard.

Scope: a partition's scorer links campaigns among the accounts of its own partition.
Sybil accounts of one campaign hash to different partitions, so in streaming mode a
campaign is seen as several smaller ones (each still scored on its merged state); the
batch engines (embedded or Spark) link across all accounts. Closing that gap needs a
shared link-key table plus a campaign-scoring tier fed with member states.

Python's `hash()` of strings is salted per process and two of the per-account
features count distinct hashes, so a checkpoint must be resumed with the same
`PYTHONHASHSEED`; the CLI pins it (0 unless set) and the checkpoint records it.
"""

from __future__ import annotations

import os
import signal
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from distillguard.engines.bus import EventBus, Record
from distillguard.events.model import EventError, parse_event
from distillguard.gateway.snapshot import SnapshotError, read_snapshot, save_snapshot
from distillguard.replay.online import AccountDecision, OnlineScorer

CHECKPOINT_VERSION = 2  # 2: data-only snapshot format (1 was a pickle, refused)


def hash_salt() -> int:
    """A fingerprint of this process's string-hash salt (equal in two processes iff their salts are)."""
    return hash("distillguard-hash-salt-probe")


@dataclass
class ScorerStats:
    events: int = 0  # events folded into the state by this process
    duplicates: int = 0  # records skipped: offset already checkpointed, or request id already seen
    invalid: int = 0  # records that are not valid events
    checkpoints: int = 0
    checkpoint_seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # publish -> decision, seconds (capped sample)

    def latency_summary(self) -> dict[str, float]:
        if not self.latencies:
            return {}
        ordered = sorted(self.latencies)

        def q(p: float) -> float:
            return ordered[min(len(ordered) - 1, int(p * len(ordered)))]

        return {"p50_ms": q(0.5) * 1000, "p95_ms": q(0.95) * 1000, "p99_ms": q(0.99) * 1000, "max_ms": ordered[-1] * 1000,
                "samples": float(len(ordered))}


class PartitionScorer:
    """Consumes partition `partition` of `bus`, checkpointing into `checkpoint_dir`."""

    def __init__(self, bus: EventBus, partition: int, checkpoint_dir: str | Path, config: dict[str, Any] | None = None,
                 checkpoint_every: int = 5000, checkpoint_seconds: float = 10.0, dedupe_window: int = 200_000,
                 latency_sample: int = 200_000) -> None:
        if not 0 <= partition < bus.partitions:
            raise ValueError(f"partition {partition} outside 0..{bus.partitions - 1}")
        self.bus = bus
        self.partition = partition
        self.dir = Path(checkpoint_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.path = self.dir / f"{bus.prefix}-p{partition}.ckpt"
        self.checkpoint_every = checkpoint_every
        self.checkpoint_seconds = checkpoint_seconds
        self.dedupe_window = dedupe_window
        self.latency_sample = latency_sample
        self.stats = ScorerStats()
        self.offset = 0
        self.seen: dict[str, None] = {}  # insertion-ordered: oldest request ids first
        self.restored = False
        if self.path.exists():
            self._restore()
        else:
            self.scorer = OnlineScorer(config=config)
        self._since_checkpoint = 0
        self._last_checkpoint = time.monotonic()

    # -- checkpoint ------------------------------------------------------------------
    def _restore(self) -> None:
        try:
            blob = read_snapshot(self.path)
        except SnapshotError as exc:
            raise ValueError(f"{exc} (an older pickle checkpoint is refused: delete it to rebuild from the bus)") from None
        if not isinstance(blob, dict) or blob.get("version") != CHECKPOINT_VERSION or blob.get("partition") != self.partition:
            raise ValueError(f"{self.path}: not a version-{CHECKPOINT_VERSION} checkpoint of partition {self.partition}")
        if blob.get("partitions") != self.bus.partitions:
            raise ValueError(f"{self.path}: written for {blob.get('partitions')} partitions, the bus has {self.bus.partitions}")
        if blob.get("hash_salt") != hash_salt():
            warnings.warn(f"{self.path}: checkpoint written by a process with another string-hash salt (PYTHONHASHSEED="
                          f"{blob.get('hash_seed')}, here {os.environ.get('PYTHONHASHSEED', 'unset')}); distinct-system-prompt "
                          "and logit-bias-variant counts may drift: run scorers with a fixed PYTHONHASHSEED", stacklevel=2)
        self.scorer = blob["scorer"]
        self.offset = int(blob["offset"])
        self.seen = dict.fromkeys(blob["seen"])
        self.restored = True

    def checkpoint(self) -> None:
        """Atomically persist (scorer state, offset, recent request ids), then commit the offset."""
        started = time.perf_counter()
        blob = {
            "version": CHECKPOINT_VERSION, "partition": self.partition, "partitions": self.bus.partitions,
            "offset": self.offset, "hash_salt": hash_salt(),
            "hash_seed": os.environ.get("PYTHONHASHSEED"), "written_at": time.time(),
            "seen": list(self.seen), "scorer": self.scorer,
        }
        save_snapshot(self.path, blob)  # tmp file (0600, fsynced), then an atomic rename
        directory = os.open(self.dir, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        self.bus.commit(self.partition, self.offset)
        self._since_checkpoint = 0
        self._last_checkpoint = time.monotonic()
        self.stats.checkpoints += 1
        self.stats.checkpoint_seconds += time.perf_counter() - started

    # -- consuming -------------------------------------------------------------------
    def handle(self, record: Record) -> AccountDecision | None:
        """Fold one record into the state (or skip it as a duplicate/invalid)."""
        if record.offset <= self.offset:
            self.stats.duplicates += 1
            return None
        self.offset = record.offset
        self._since_checkpoint += 1
        try:
            event = parse_event(orjson.loads(record.payload))
        except (EventError, orjson.JSONDecodeError):
            self.stats.invalid += 1
            return None
        if event.request_id in self.seen:
            self.stats.duplicates += 1
            return None
        self.seen[event.request_id] = None
        if len(self.seen) > self.dedupe_window:
            del self.seen[next(iter(self.seen))]
        decision = self.scorer.process(event)
        self.stats.events += 1
        if record.published_at and len(self.stats.latencies) < self.latency_sample:
            self.stats.latencies.append(time.time() - record.published_at)
        return decision

    def step(self, max_count: int = 500, timeout_s: float = 1.0,
             on_decision: Callable[[AccountDecision], None] | None = None) -> int:
        """Read and fold one batch; checkpoint when due. Returns the number of records read."""
        records = self.bus.read(self.partition, self.offset, max_count=max_count, timeout_s=timeout_s)
        for record in records:
            decision = self.handle(record)
            if decision is not None and on_decision is not None:
                on_decision(decision)
        if self._since_checkpoint and (self._since_checkpoint >= self.checkpoint_every
                                       or time.monotonic() - self._last_checkpoint >= self.checkpoint_seconds):
            self.checkpoint()
        return len(records)

    def run(self, max_events: int | None = None, idle_exit_s: float | None = None,
            on_decision: Callable[[AccountDecision], None] | None = None, handle_signals: bool = False) -> ScorerStats:
        """Consume until `max_events`, until idle for `idle_exit_s`, or until SIGTERM/SIGINT
        (with `handle_signals`); checkpoints on the way out."""
        stopping = False

        def stop(_signum: int, _frame: Any) -> None:
            nonlocal stopping
            stopping = True

        if handle_signals:
            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
        idle_since = time.monotonic()
        while not stopping:
            if max_events is not None and self.stats.events >= max_events:
                break
            batch = 500 if max_events is None else max(1, min(500, max_events - self.stats.events))
            read = self.step(max_count=batch, timeout_s=0.5, on_decision=on_decision)
            if read:
                idle_since = time.monotonic()
            elif idle_exit_s is not None and time.monotonic() - idle_since >= idle_exit_s:
                break
        if self._since_checkpoint:
            self.checkpoint()
        return self.stats

    def verdicts(self) -> list[dict[str, Any]]:
        return self.scorer.verdicts()
