"""Redis Streams backend of the event bus.

One stream per partition (`{prefix}:events:{p}`; in a Redis Cluster each key hashes to
its own slot, so partitions spread over shards). Entries are appended with XADD
(pipelined per batch; AOF `appendfsync` decides how durable an acknowledged append is),
read positionally with XREAD after an entry id, and a scorer's committed offset is kept
in the hash `{prefix}:offsets`.
"""

from __future__ import annotations

from distillguard.engines.bus import DEFAULT_PARTITIONS, DEFAULT_PREFIX, EventBus, Record

_SEQ = 1_000_000  # entry id ms-seq <-> integer offset ms * _SEQ + seq


def id_to_offset(entry_id: bytes | str) -> int:
    text = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    ms, _, seq = text.partition("-")
    seq_n = int(seq or 0)
    if seq_n >= _SEQ:
        raise ValueError(f"stream entry id {text} has a sequence too large to encode")
    return int(ms) * _SEQ + seq_n


def offset_to_id(offset: int) -> str:
    return f"{offset // _SEQ}-{offset % _SEQ}"


class RedisStreamsBus(EventBus):
    scheme = "redis"

    def __init__(self, url: str, partitions: int = DEFAULT_PARTITIONS, prefix: str = DEFAULT_PREFIX) -> None:
        super().__init__(partitions, prefix)
        import redis

        self.url = url
        self.client = redis.Redis.from_url(url, socket_timeout=30)
        self.client.ping()

    def key(self, partition: int) -> str:
        return f"{self.prefix}:events:{partition}"

    @property
    def offsets_key(self) -> str:
        return f"{self.prefix}:offsets"

    def _publish_batch(self, items: list[tuple[int, str, bytes]], now: float) -> int:
        pipe = self.client.pipeline(transaction=False)
        stamp = repr(now)
        for partition, request_id, payload in items:
            pipe.xadd(self.key(partition), {"e": payload, "t": stamp, "r": request_id})
        pipe.execute()
        return len(items)

    def read(self, partition: int, after: int, max_count: int = 500, timeout_s: float = 1.0) -> list[Record]:
        block = int(timeout_s * 1000) if timeout_s > 0 else None
        reply = self.client.xread({self.key(partition): offset_to_id(after)}, count=max_count, block=block)
        records: list[Record] = []
        for _key, entries in reply or ():
            for entry_id, fields in entries:
                records.append(Record(id_to_offset(entry_id), fields[b"e"], float(fields.get(b"t", b"0"))))
        return records

    def commit(self, partition: int, offset: int) -> None:
        self.client.hset(self.offsets_key, str(partition), str(offset))

    def committed(self, partition: int) -> int:
        value = self.client.hget(self.offsets_key, str(partition))
        return int(value) if value else 0

    def end_offset(self, partition: int) -> int:
        last = self.client.xrevrange(self.key(partition), count=1)
        return id_to_offset(last[0][0]) if last else 0

    def reset(self) -> None:
        self.client.delete(self.offsets_key, *[self.key(p) for p in range(self.partitions)])

    def close(self) -> None:
        self.client.close()
