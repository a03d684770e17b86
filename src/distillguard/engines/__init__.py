"""Scale-out engines: the same detection on Spark, and an event bus between gateways and scorers.

* `engines.spark`: `run_spark_scan(inputs, out, master=...)`, what `scan --engine spark` runs.
* `engines.bus`: `open_bus(url)` -> `EventBus` over Redis Streams (`redis_bus`), NATS JetStream
  (`nats_bus`) or Kafka (`kafka_bus`), partitioned by account.
* `engines.consumer`: `PartitionScorer`, one checkpointed `OnlineScorer` per partition.
* `engines.servers`: throwaway local redis-server / nats-server for tests and benchmarks.
* `engines.cli`: `distillguard bus publish|score|status`, `distillguard spark scan`.

Nothing here imports pyspark, nats or confluent_kafka at package import time.
"""
