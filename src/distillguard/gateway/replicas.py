"""One detection across gateway replicas: every replica scores the same event stream.

With `--bus URL` (the project's event bus, `distillguard.engines`: Redis Streams or NATS
JetStream) each replica publishes the api-event of every request it completes to one shared
partition, and feeds its scorer from that partition, in the bus's order, its own events and
the other replicas' alike. So every replica's scorer holds the state one gateway would hold
for all the traffic: a campaign spread over replicas is linked and flagged as early as on one
gateway, and a fresh sybil is stopped by whichever replica it reaches. A replica releases a
response's last byte once the event is durable in its own log; it does not wait for the event
to come back from the bus (a wake-up of two threads and a Redis round trip, tens of ms on a
loaded machine), except for a suspected account (flagged, in a campaign, or at half the flag
threshold; bounded by `settle_timeout_s`), whose next request, on whichever replica, must be
decided with this one counted. Until the echo, the replica that served the request judges the
account's next arrivals with it folded in (`arrival`), as it does requests still in flight.

One partition, because campaign linking needs all accounts in one place; the bus's own
partitioning (a scorer per partition, `engines.consumer`) suits per-account detectors but
would split a campaign's sybils. The bus is the scorer's order: a snapshot records the bus
offset it covers, and a restart replays the bus after it (the local log stays the durable
record of this replica's own responses). If the bus is unreachable at publish time the event
stays in the local log only (counted in `publish_errors`).
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from typing import Any, Callable

log = logging.getLogger("distillguard.gateway")

PARTITION = 0


class BusLink:
    """A publisher thread and a consumer thread between the event loop and the bus."""

    def __init__(self, url: str, prefix: str = "dg-gateway") -> None:
        from distillguard.engines.bus import open_bus

        self.url = url
        self.prefix = prefix
        self._open = lambda: open_bus(url, partitions=1, prefix=prefix)
        self._reader = self._open()
        self._writer = self._open()
        self.offset = 0  # the last bus offset fed to the scorer
        self.published = 0
        self.publish_errors = 0
        self._outbox: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def identity(self) -> str:
        return f"bus:{self.url}#{self.prefix}"

    def catch_up(self, after: int, feed: Callable[[dict[str, Any]], None]) -> int:
        """Feed every record after `after` up to the bus's current end (start-up); returns how many."""
        end = self._reader.end_offset(PARTITION)
        self.offset, count = after, 0
        while self.offset < end:
            records = self._reader.read(PARTITION, self.offset, 1000, timeout_s=0.1)
            if not records:
                break
            for record in records:
                feed(record.event())
                self.offset = record.offset
                count += 1
        return count

    def start(self, loop: asyncio.AbstractEventLoop, on_records: Callable[[list[Any]], None]) -> None:
        def consume() -> None:
            while not self._stop.is_set():
                try:
                    records = self._reader.read(PARTITION, self.offset, 500, timeout_s=0.2)
                except Exception as exc:  # the bus is away: retry, the records wait for us there
                    log.warning("event bus read failed (%s); retrying", type(exc).__name__)
                    self._stop.wait(0.5)
                    continue
                if records:
                    self.offset = records[-1].offset
                    loop.call_soon_threadsafe(on_records, records)

        def publish() -> None:
            while True:
                item = self._outbox.get()
                if item is None:
                    return
                batch = [item]
                while len(batch) < 500:
                    try:
                        nxt = self._outbox.get_nowait()
                    except queue.Empty:
                        break
                    if nxt is None:
                        self._outbox.put(None)
                        break
                    batch.append(nxt)
                try:
                    self.published += self._writer.publish(batch)
                except Exception as exc:
                    self.publish_errors += len(batch)
                    log.warning("event bus publish failed for %d events (%s)", len(batch), type(exc).__name__)

        for target, name in ((consume, "dg-bus-read"), (publish, "dg-bus-write")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def publish(self, line: bytes) -> None:
        self._outbox.put(line)

    def close(self) -> None:
        self._outbox.put(None)
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        for bus in (self._reader, self._writer):
            try:
                bus.close()
            except Exception:
                pass
