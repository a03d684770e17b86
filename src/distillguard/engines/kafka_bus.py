"""Kafka backend of the event bus, for providers who already run Kafka.

One topic `{prefix}-events` with N partitions; the gateway picks the partition itself
(`partition_of(account_id)`, the same crc32 rule as the other backends) and keys the
record by account id. The producer is idempotent with `acks=all`, so a publish
returns once the in-sync replicas hold the batch. Scorers `assign` their partition and
seek to the offset in their checkpoint (offsets stored with the state, the pattern
Kafka's documentation gives for exactly-once processing outside transactions), and
commit it to the consumer group `{prefix}-scorers` after checkpointing, for lag tools.

Offsets here are Kafka offsets + 1, so that 0 means "before the first record" as on
the other backends (which is also exactly Kafka's committed-offset convention).

Needs `confluent-kafka` (librdkafka bundled in the wheel) and a reachable broker; no
broker can run on the development machines, so its tests skip there.
"""

from __future__ import annotations

from urllib.parse import urlparse

from distillguard.engines.bus import DEFAULT_PARTITIONS, DEFAULT_PREFIX, EventBus, Record


def bootstrap_servers(url: str) -> str:
    parsed = urlparse(url)
    return parsed.netloc or parsed.path


class KafkaBus(EventBus):
    scheme = "kafka"

    def __init__(self, url: str, partitions: int = DEFAULT_PARTITIONS, prefix: str = DEFAULT_PREFIX,
                 replication: int = 1, timeout_s: float = 10.0) -> None:
        super().__init__(partitions, prefix)
        from confluent_kafka import Consumer, Producer
        from confluent_kafka.admin import AdminClient, NewTopic

        self.url = url
        self.servers = bootstrap_servers(url)
        self.topic = f"{prefix}-events"
        self.timeout_s = timeout_s
        admin = AdminClient({"bootstrap.servers": self.servers, "socket.timeout.ms": int(timeout_s * 1000)})
        metadata = admin.list_topics(timeout=timeout_s)  # raises KafkaException when no broker answers
        if self.topic not in metadata.topics:
            futures = admin.create_topics([NewTopic(self.topic, num_partitions=partitions, replication_factor=replication)])
            for future in futures.values():
                try:
                    future.result(timeout_s)
                except Exception as exc:  # created meanwhile by another process
                    if "TOPIC_ALREADY_EXISTS" not in str(exc):
                        raise
        else:
            existing = len(metadata.topics[self.topic].partitions)
            if existing != partitions:
                raise ValueError(f"topic {self.topic} has {existing} partitions, this bus expects {partitions}")
        self.admin = admin
        self.producer = Producer({"bootstrap.servers": self.servers, "enable.idempotence": True, "acks": "all",
                                  "linger.ms": 5, "compression.type": "lz4"})
        self.consumer = Consumer({"bootstrap.servers": self.servers, "group.id": f"{prefix}-scorers",
                                  "enable.auto.commit": False, "auto.offset.reset": "earliest"})
        self._assigned: tuple[int, int] | None = None  # (partition, next offset the consumer will return)

    def _publish_batch(self, items: list[tuple[int, str, bytes]], now: float) -> int:
        stamp = repr(now).encode()
        errors: list[str] = []

        def delivered(err, _msg) -> None:
            if err is not None:
                errors.append(str(err))

        for partition, request_id, payload in items:
            self.producer.produce(self.topic, value=payload, partition=partition, on_delivery=delivered,
                                  headers=[("dg-ts", stamp), ("request-id", request_id.encode())])
            self.producer.poll(0)
        remaining = self.producer.flush(self.timeout_s * 3)
        if remaining or errors:
            raise RuntimeError(f"kafka publish failed: {remaining} undelivered, errors: {errors[:3]}")
        return len(items)

    def read(self, partition: int, after: int, max_count: int = 500, timeout_s: float = 1.0) -> list[Record]:
        from confluent_kafka import TopicPartition

        if self._assigned != (partition, after):
            self.consumer.assign([TopicPartition(self.topic, partition, after)])  # Kafka offset `after` = ours + 1
        messages = self.consumer.consume(num_messages=max_count, timeout=timeout_s)
        records = []
        for message in messages:
            if message.error():
                continue
            headers = dict(message.headers() or ())
            records.append(Record(message.offset() + 1, message.value(), float(headers.get("dg-ts", b"0"))))
        self._assigned = (partition, records[-1].offset if records else after)
        return records

    def commit(self, partition: int, offset: int) -> None:
        from confluent_kafka import TopicPartition

        self.consumer.commit(offsets=[TopicPartition(self.topic, partition, offset)], asynchronous=False)

    def committed(self, partition: int) -> int:
        from confluent_kafka import TopicPartition

        [tp] = self.consumer.committed([TopicPartition(self.topic, partition)], timeout=self.timeout_s)
        return max(0, tp.offset)

    def end_offset(self, partition: int) -> int:
        from confluent_kafka import TopicPartition

        _low, high = self.consumer.get_watermark_offsets(TopicPartition(self.topic, partition), timeout=self.timeout_s)
        return max(0, high)

    def reset(self) -> None:
        futures = self.admin.delete_topics([self.topic])
        for future in futures.values():
            try:
                future.result(self.timeout_s)
            except Exception:
                pass

    def close(self) -> None:
        self.producer.flush(self.timeout_s)
        self.consumer.close()
