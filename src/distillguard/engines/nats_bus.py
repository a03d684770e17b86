"""NATS JetStream backend of the event bus.

One JetStream stream per partition (`{PREFIX}_EVENTS_{p}` on subject `{prefix}.events.{p}`,
file storage), so in a NATS cluster partitions are placed on different servers. Every
publish waits for JetStream's acknowledgement (the message is stored) and carries
`Nats-Msg-Id: <request_id>`, so a gateway that retries a publish within the duplicate
window does not store the event twice. Scorers read with an ephemeral pull consumer that
starts at their checkpointed stream sequence + 1 (no server-side ack state to go stale);
committed offsets go to the key-value bucket `{prefix}_offsets`.

nats-py is asyncio; this class runs its own event loop on a daemon thread so scorers
and gateways can call it synchronously.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from distillguard.engines.bus import DEFAULT_PARTITIONS, DEFAULT_PREFIX, EventBus, Record


class NatsJetStreamBus(EventBus):
    scheme = "nats"

    def __init__(self, url: str, partitions: int = DEFAULT_PARTITIONS, prefix: str = DEFAULT_PREFIX,
                 duplicate_window_s: float = 120.0) -> None:
        super().__init__(partitions, prefix)
        import nats  # noqa: F401  (fail early, with the import error, if nats-py is missing)

        self.url = url
        self.duplicate_window_s = duplicate_window_s
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="nats-bus", daemon=True)
        self._thread.start()
        self._subs: dict[int, tuple[Any, int]] = {}  # partition -> (pull subscription, last offset it delivered)
        self._kv = None
        self._run(self._connect())

    # -- plumbing ------------------------------------------------------------------
    def _run(self, coro: Any, timeout: float | None = 60.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def stream(self, partition: int) -> str:
        return f"{self.prefix.upper()}_EVENTS_{partition}"

    def subject(self, partition: int) -> str:
        return f"{self.prefix}.events.{partition}"

    async def _connect(self) -> None:
        import nats
        from nats.js import api

        self.nc = await nats.connect(self.url, connect_timeout=5, max_reconnect_attempts=3)
        self.js = self.nc.jetstream(timeout=30)
        for partition in range(self.partitions):
            config = api.StreamConfig(
                name=self.stream(partition), subjects=[self.subject(partition)], storage=api.StorageType.FILE,
                retention=api.RetentionPolicy.LIMITS, duplicate_window=self.duplicate_window_s,
            )
            try:
                await self.js.stream_info(config.name)
            except Exception:  # not there yet
                await self.js.add_stream(config)
        self._kv = await self.js.create_key_value(bucket=f"{self.prefix}_offsets", history=1)

    # -- producer --------------------------------------------------------------------
    def _publish_batch(self, items: list[tuple[int, str, bytes]], now: float) -> int:
        return self._run(self._publish(items, now))

    async def _publish(self, items: list[tuple[int, str, bytes]], now: float) -> int:
        stamp = repr(now)
        window = 256  # publishes in flight at once
        for start in range(0, len(items), window):
            acks = [
                self.js.publish(self.subject(partition), payload,
                                headers={"Nats-Msg-Id": request_id, "Dg-Ts": stamp} if request_id else {"Dg-Ts": stamp})
                for partition, request_id, payload in items[start:start + window]
            ]
            await asyncio.gather(*acks)
        return len(items)

    # -- consumer --------------------------------------------------------------------
    def read(self, partition: int, after: int, max_count: int = 500, timeout_s: float = 1.0) -> list[Record]:
        return self._run(self._read(partition, after, max_count, timeout_s), timeout=timeout_s + 60)

    async def _subscription(self, partition: int, after: int) -> Any:
        from nats.js import api

        current = self._subs.get(partition)
        if current is not None and current[1] == after:
            return current[0]
        if current is not None:
            try:
                await current[0].unsubscribe()
            except Exception:
                pass
        config = api.ConsumerConfig(
            ack_policy=api.AckPolicy.NONE, inactive_threshold=60.0, max_ack_pending=-1,
            deliver_policy=api.DeliverPolicy.BY_START_SEQUENCE if after > 0 else api.DeliverPolicy.ALL,
            opt_start_seq=after + 1 if after > 0 else None,
        )
        sub = await self.js.pull_subscribe(self.subject(partition), durable=None, stream=self.stream(partition), config=config)
        self._subs[partition] = (sub, after)
        return sub

    async def _read(self, partition: int, after: int, max_count: int, timeout_s: float) -> list[Record]:
        import nats.errors

        sub = await self._subscription(partition, after)
        try:
            messages = await sub.fetch(batch=max_count, timeout=max(timeout_s, 0.05))
        except (nats.errors.TimeoutError, asyncio.TimeoutError):
            return []
        records = []
        for message in messages:
            if not message.subject or message.metadata is None:  # status messages
                continue
            sequence = message.metadata.sequence.stream
            if sequence <= after:
                continue
            headers = message.headers or {}
            records.append(Record(sequence, message.data, float(headers.get("Dg-Ts", 0.0))))
        if records:
            self._subs[partition] = (sub, records[-1].offset)
        return records

    def commit(self, partition: int, offset: int) -> None:
        self._run(self._kv.put(f"p{partition}", str(offset).encode()))

    def committed(self, partition: int) -> int:
        async def get() -> int:
            from nats.js.errors import KeyNotFoundError

            try:
                entry = await self._kv.get(f"p{partition}")
            except KeyNotFoundError:
                return 0
            return int(entry.value or 0)

        return self._run(get())

    def end_offset(self, partition: int) -> int:
        async def info() -> int:
            return int((await self.js.stream_info(self.stream(partition))).state.last_seq)

        return self._run(info())

    def reset(self) -> None:
        async def wipe() -> None:
            for partition in range(self.partitions):
                try:
                    await self.js.purge_stream(self.stream(partition))
                except Exception:
                    pass
            try:
                await self.js.delete_key_value(f"{self.prefix}_offsets")
            except Exception:
                pass
            self._kv = await self.js.create_key_value(bucket=f"{self.prefix}_offsets", history=1)

        self._subs.clear()
        self._run(wipe())

    def close(self) -> None:
        if self._loop.is_closed():
            return

        async def shutdown() -> None:
            for sub, _ in self._subs.values():
                try:
                    await sub.unsubscribe()
                except Exception:
                    pass
            await self.nc.close()

        async def cancel_rest() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        for step in (shutdown, cancel_rest):
            try:
                self._run(step(), timeout=10)
            except Exception:
                pass
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()
