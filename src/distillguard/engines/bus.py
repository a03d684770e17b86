"""The event bus between gateways and scorers: one interface, three durable logs.

Gateways `publish` API events; each event goes to partition `partition_of(account_id)`
(crc32 of the account id, modulo the number of partitions), so every event of one
account lands, in order, in one partition, and one scorer per partition owns that
account's state. Scorers `read` a partition *after* a position they hold themselves
(the offset stored in their checkpoint next to their state: see `engines.consumer`),
and `commit` that position back to the broker once the checkpoint is on disk, for lag
monitoring and retention.

Backends, all behind `EventBus`:

* Redis Streams (`redis://host:port/db`): one stream key per partition, entry ids as offsets.
* NATS JetStream (`nats://host:port`): one stream per partition, stream sequence as offset.
* Kafka (`kafka://host:port`): one topic with N partitions, Kafka offsets as offsets.

Offsets are integers that grow along a partition (Redis ids `ms-seq` are encoded as
`ms * 1_000_000 + seq`), and 0 means "before the first record".
"""

from __future__ import annotations

import time
import zlib
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import orjson

DEFAULT_PARTITIONS = 4
DEFAULT_PREFIX = "dg"


def partition_of(account_id: str, partitions: int) -> int:
    """The partition that owns an account: stable across processes, hosts and languages (crc32)."""
    return zlib.crc32(account_id.encode("utf-8")) % partitions


@dataclass(slots=True)
class Record:
    """One event read back from the log."""

    offset: int
    payload: bytes  # the event, JSON (api-event format)
    published_at: float  # publisher's wall clock (epoch seconds): for gateway-to-verdict latency

    def event(self) -> dict[str, Any]:
        return orjson.loads(self.payload)


def encode_event(event: Any) -> tuple[str, str, bytes]:
    """(account_id, request_id, JSON bytes) of a dict, an ApiEvent or already-encoded JSON."""
    if isinstance(event, (bytes, bytearray, memoryview)):
        payload = bytes(event)
        obj = orjson.loads(payload)
    else:
        obj = event.to_json() if hasattr(event, "to_json") else event
        payload = orjson.dumps(obj)
    return str(obj["account_id"]), str(obj.get("request_id") or ""), payload


class EventBus(ABC):
    """A partitioned, durable, replayable log of API events."""

    scheme = ""

    def __init__(self, partitions: int = DEFAULT_PARTITIONS, prefix: str = DEFAULT_PREFIX) -> None:
        if partitions < 1:
            raise ValueError("partitions must be >= 1")
        self.partitions = partitions
        self.prefix = prefix

    def partition_of(self, account_id: str) -> int:
        return partition_of(account_id, self.partitions)

    # -- producer side -----------------------------------------------------------
    def publish(self, events: Iterable[Any], batch: int = 500) -> int:
        """Append events (dicts, ApiEvents or JSON bytes), routed by account; returns how many."""
        total = 0
        chunk: list[tuple[int, str, bytes]] = []
        for event in events:
            account_id, request_id, payload = encode_event(event)
            chunk.append((self.partition_of(account_id), request_id, payload))
            if len(chunk) >= batch:
                total += self._publish_batch(chunk, time.time())
                chunk = []
        if chunk:
            total += self._publish_batch(chunk, time.time())
        return total

    @abstractmethod
    def _publish_batch(self, items: list[tuple[int, str, bytes]], now: float) -> int:
        """Append (partition, request_id, payload) items, durably (acknowledged by the broker)."""

    # -- consumer side -----------------------------------------------------------
    @abstractmethod
    def read(self, partition: int, after: int, max_count: int = 500, timeout_s: float = 1.0) -> list[Record]:
        """Up to `max_count` records of `partition` with offset > `after`, in order; waits up to
        `timeout_s` for the first one, and returns [] when none arrived."""

    @abstractmethod
    def commit(self, partition: int, offset: int) -> None:
        """Tell the broker that everything up to `offset` is checkpointed (monitoring, retention)."""

    @abstractmethod
    def committed(self, partition: int) -> int:
        """The last committed offset of `partition` (0 if none)."""

    @abstractmethod
    def end_offset(self, partition: int) -> int:
        """The offset of the last record in `partition` (0 if empty)."""

    def reset(self) -> None:
        """Delete this bus's partitions and offsets (tests, benchmarks)."""

    def close(self) -> None:
        pass

    def __enter__(self) -> "EventBus":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def open_bus(url: str, partitions: int = DEFAULT_PARTITIONS, prefix: str = DEFAULT_PREFIX) -> EventBus:
    """`redis://host:port[/db]`, `nats://host:port` or `kafka://host:port[,host:port]`."""
    scheme = urlparse(url).scheme
    if scheme in ("redis", "rediss", "unix"):
        from distillguard.engines.redis_bus import RedisStreamsBus

        return RedisStreamsBus(url, partitions, prefix)
    if scheme in ("nats", "tls"):
        from distillguard.engines.nats_bus import NatsJetStreamBus

        return NatsJetStreamBus(url, partitions, prefix)
    if scheme == "kafka":
        from distillguard.engines.kafka_bus import KafkaBus

        return KafkaBus(url, partitions, prefix)
    raise ValueError(f"unknown bus URL {url!r}: expected redis://, nats:// or kafka://")
