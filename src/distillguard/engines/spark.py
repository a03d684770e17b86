"""`scan --engine spark`: the same detection over event logs with PySpark.

Plan of a scan (every per-event step runs on the executors, with the embedded code):

1. Read. JSONL (plain or .gz, any number of files, e.g. one folder per day) is read as
   text lines; Parquet is read as rows and turned into JSON lines. The JVM pulls only
   `account_id`, `ts` and `request_id` out of each line (`get_json_object`), so Python
   decodes each event exactly once, in step 3.
2. Distributed group-by account: `repartition(N, account_id)` + `sortWithinPartitions
   (account_id, ts, request_id)`: every event of an account lands in one task, in time order.
3. Per-account state: each task runs `DetectionEngine.ingest` over its rows (the same
   `parse_event`, prompt features, benchmark matching and `AccountState.update` as the
   embedded engine) and emits each account's finished `AccountState` (picklable) as soon as
   the sorted stream moves to the next account, plus the account's campaign-link keys
   (`link_attributes`, including the template-family MinHash LSH bands).
4. Campaign graph. Distributed: the link keys are shuffled by key and only keys shared by
   two or more accounts survive (most keys -- an account's own IP with its own client --
   are unique and can never link anything). The driver then runs the embedded
   `CampaignLinker` itself over those shared keys (`PrecomputedKeysLinker`: the keys come
   from the executors, `observe`, its evidence rule -- groups merge on keys from three
   independent families or a payment instrument -- and union-find are the embedded code,
   in the engine's canonical order). Why a driver union-find rather than iterative label
   propagation in Spark: the linker's merge rule weighs evidence *between groups* as they
   form, which is sequential by nature, and it needs the surviving keys only -- O(linked
   accounts x keys per account), megabytes for millions of accounts -- over which it takes
   seconds; label propagation would need one shuffle per hop of the graph's diameter (a
   Sybil ring chained through rotating proxies has a long one) and could not express the
   evidence rule. Past ~10^8 linked accounts, partition this step by a coarse key (e.g.
   the creation bucket) or move it to GraphFrames' connectedComponents with a plain rule.
5. Score. The states are streamed to the driver (`toLocalIterator`), put into a driver
   `DetectionEngine().states`, and `finalize()` fits population statistics, assesses
   campaigns and accounts and writes verdicts in the same format as the embedded scan.
   The driver's work is O(accounts), not O(events).

String hashes: two per-account features count distinct Python `hash()` values, which
are salted per process; executors run with `PYTHONHASHSEED=0` so states built by
different workers merge consistently into campaign views.
"""

from __future__ import annotations

import os
import pickle
import shutil
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from distillguard.detectors.registry import load_config
from distillguard.events.readers import expand_inputs
from distillguard.linking.linker import CampaignLinker
from distillguard.scoring.engine import DetectionEngine

_ENGINES: dict[str, Any] = {}  # per Python worker: engine by config fingerprint (workers are reused across tasks)


# --------------------------------------------------------------------------- session
def spark_session(master: str = "local[*]", app_name: str = "distillguard", shuffle_partitions: int | None = None,
                  driver_memory: str = "2g", conf: dict[str, str] | None = None):
    """A SparkSession set up for distillguard (UTC timestamps, pinned hash seed on executors)."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    cores = _local_cores(master)
    builder = (
        SparkSession.builder.master(master).appName(app_name)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", driver_memory)
        .config("spark.executorEnv.PYTHONHASHSEED", "0")
        .config("spark.python.worker.reuse", "true")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions or max(4, 2 * (cores or 4))))
        .config("spark.driver.bindAddress", "127.0.0.1" if master.startswith("local") else "0.0.0.0")
    )
    if master.startswith("local"):
        builder = builder.config("spark.driver.host", "127.0.0.1")
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    if not master.startswith("local"):
        _ship_package(spark)
    return spark


def _local_cores(master: str) -> int | None:
    if master.startswith("local["):
        inner = master[len("local["):].split("]")[0].split(",")[0]
        return os.cpu_count() if inner == "*" else int(inner)
    return 1 if master == "local" else None


def _ship_package(spark) -> None:
    """On a cluster, ship this very distillguard package (code + default config) to the executors.

    Its third-party dependencies (orjson, numpy, scipy, scikit-learn, datasketch, PyYAML...) must be
    on the executors already: install distillguard in the executors' Python, or pass a packed
    virtualenv with `--archives` / `spark.archives` (see Spark's "Python Package Management").
    """
    import distillguard

    root = Path(distillguard.__file__).resolve().parent
    folder = Path(tempfile.mkdtemp(prefix="dg-pyfiles-"))
    archive = shutil.make_archive(str(folder / "distillguard"), "zip", root_dir=root.parent, base_dir=root.name)
    spark.sparkContext.addPyFile(archive)


# --------------------------------------------------------------------------- executor side
def _engine_for(config_blob: bytes):
    from distillguard.scoring.engine import DetectionEngine

    key = str(zlib.crc32(config_blob))
    engine = _ENGINES.get(key)
    if engine is None:
        engine = _ENGINES[key] = DetectionEngine(pickle.loads(config_blob))
    engine.states = {}
    return engine


def link_keys(state, linker) -> list[tuple[tuple, str]]:
    """(key, reason) pairs the campaign linker joins accounts on: `CampaignLinker.keys_of`, the very
    keys `observe` uses, in its order."""
    return list(linker.keys_of(state))


def _fold_partition(rows: Iterator[Any], config_blob: bytes, counters: Any) -> Iterator[tuple[str, bytes, list]]:
    """Rows sorted by (account, ts, request_id) -> one (account_id, pickled state, link keys) per account."""
    from distillguard.events.model import EventError, parse_event

    engine = _engine_for(config_blob)
    events = rejects = duplicates = 0
    current: str | None = None
    seen: set[str] = set()

    def finish(account_id: str) -> tuple[str, bytes, list]:
        state = engine.states.pop(account_id)
        keys = link_keys(state, engine.linker) if engine.linking_enabled else []
        return account_id, pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL), keys

    for row in rows:
        try:
            event = parse_event(orjson.loads(row.value))
        except (EventError, orjson.JSONDecodeError, TypeError):
            rejects += 1
            continue
        if event.account_id != current:
            if current is not None and current in engine.states:
                yield finish(current)
            current, seen = event.account_id, set()
        if event.request_id in seen:  # the embedded scan de-duplicates on request_id too
            duplicates += 1
            continue
        seen.add(event.request_id)
        engine.ingest(event)
        events += 1
    if current is not None and current in engine.states:
        yield finish(current)
    for leftover in list(engine.states):  # (only if rows of one account were not contiguous)
        yield finish(leftover)
    counters[0].add(events)
    counters[1].add(rejects)
    counters[2].add(duplicates)


def _parquet_row_json(line: str) -> str:
    """A Parquet row (as Spark's JSON) in the event interchange format, as `iter_parquet` reads it."""
    row = orjson.loads(line)
    for key in ("request", "response", "account"):
        value = row.get(key)
        if isinstance(value, str):
            try:
                row[key] = orjson.loads(value)
            except orjson.JSONDecodeError:
                pass  # parse_event rejects it
    return orjson.dumps(row).decode()


# --------------------------------------------------------------------------- driver side
def _read_lines(spark, files: list[Path]):
    """One DataFrame with a `value` column of event JSON lines, from JSONL and Parquet inputs."""
    from pyspark.sql import functions as F

    jsonl = [str(p) for p in files if not p.name.lower().endswith((".parquet", ".pq"))]
    parquet = [str(p) for p in files if p.name.lower().endswith((".parquet", ".pq"))]
    unsupported = [p for p in jsonl if p.lower().endswith((".zst", ".zstd"))]
    if unsupported:
        raise ValueError(f"the Spark engine reads JSONL, .gz and Parquet; recompress {unsupported[0]} (zstd) as gzip or Parquet")
    frames = []
    if jsonl:
        frames.append(spark.read.text(jsonl).select("value"))
    if parquet:
        rows = spark.read.parquet(*parquet).toJSON()
        frames.append(rows.map(_parquet_row_json).map(lambda s: (s,)).toDF(["value"]))
    lines = frames[0]
    for frame in frames[1:]:
        lines = lines.unionByName(frame)
    return lines.where(F.length(F.trim("value")) > 0)


def spark_scan(spark, inputs: list[str | Path], config: dict[str, Any] | None = None,
               partitions: int | None = None) -> dict[str, Any]:
    """Run the scan on `spark`; returns {"verdicts", "campaigns" (CampaignView), "engine", "stats"}."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    started = time.perf_counter()
    files = expand_inputs(inputs)
    if not files:
        raise ValueError("no input files")
    cfg = config if config is not None else load_config()
    sc = spark.sparkContext
    partitions = partitions or int(spark.conf.get("spark.sql.shuffle.partitions"))
    config_blob = sc.broadcast(pickle.dumps(cfg))
    counters = (sc.accumulator(0), sc.accumulator(0), sc.accumulator(0))

    lines = _read_lines(spark, files)
    head = F.from_json("value", "account_id STRING, ts STRING, request_id STRING")  # one JVM-side parse per line
    keyed = lines.select(head.alias("h"), "value").select(
        F.col("h.account_id").alias("account_id"), F.try_to_timestamp(F.col("h.ts")).alias("ts"),
        F.col("h.request_id").alias("request_id"), "value",
    )
    ordered = keyed.repartition(partitions, "account_id").sortWithinPartitions("account_id", "ts", "request_id")
    blob = config_blob  # captured by the closure below, shipped once per executor
    # only the line crosses into Python (no Row of four columns, no datetime conversion per event)
    folded = ordered.select("value").rdd.mapPartitions(lambda rows: _fold_partition(rows, blob.value, counters))
    # kept (spilling to disk if need be) for the two passes below; never recomputed, so counters stay exact
    folded = folded.persist(StorageLevel.MEMORY_AND_DISK)

    # campaign graph, distributed part: only keys that two or more accounts share can ever link
    # anything, so the shuffle keeps those (a small fraction: most keys are unique to one account)
    shared = (
        folded.flatMap(lambda item: [(repr(key), item[0]) for key, _reason in item[2]])
        .distinct(partitions)
        .mapValues(lambda _account: 1)
        .reduceByKey(lambda a, b: a + b, partitions)
        .filter(lambda kv: kv[1] >= 2)
        .keys()
    )
    read_started = time.perf_counter()  # (with adaptive execution, `.rdd` above already ran the read + shuffle stage)
    engine = DetectionEngine(cfg)
    account_keys: dict[str, list] = {}
    for account_id, state_blob, keys in folded.toLocalIterator(prefetchPartitions=True):
        engine.states[account_id] = pickle.loads(state_blob)
        account_keys[account_id] = keys
    states_seconds = time.perf_counter() - read_started

    link_started = time.perf_counter()
    shared_keys = set(shared.collect()) if engine.linking_enabled else set()
    folded.unpersist()
    engine.linker = PrecomputedKeysLinker.like(engine.linker, {
        account_id: [(key, reason) for key, reason in keys if repr(key) in shared_keys]
        for account_id, keys in account_keys.items()
    })
    del account_keys
    # as the embedded finalize(): fit the population reference (calibration, content space) first, then link
    raw = engine.fit()
    engine.link_all()  # the embedded engine's own linking (canonical order, evidence rules) on the shared keys
    # done: finalize() must neither refit nor observe again (it gets the raw findings this fit scored)
    engine.fit = lambda features=None: raw
    engine.link_all = lambda: None
    link_seconds = time.perf_counter() - link_started

    score_started = time.perf_counter()
    verdicts, views = engine.finalize()
    score_seconds = time.perf_counter() - score_started
    events, rejects, duplicates = (c.value for c in counters)
    return {
        "verdicts": verdicts,
        "campaigns": views,
        "engine": engine,
        "stats": {
            "files": [str(p) for p in files], "events": events, "rejects": rejects, "duplicates": duplicates,
            "accounts": len(verdicts), "flagged": sum(1 for v in verdicts if v["flagged"]), "campaigns": len(views),
            "flagged_campaigns": sum(1 for v in views if v.assessment.risk >= engine.threshold),
            "shared_link_keys": len(shared_keys), "mode": "spark", "master": sc.master, "partitions": partitions,
            "seconds": round(time.perf_counter() - started, 3),
            "seconds_by_step": {"read_and_shuffle": round(read_started - started, 3), "fold_accounts": round(states_seconds, 3),
                                "link": round(link_seconds, 3), "score": round(score_seconds, 3)},
        },
    }


class PrecomputedKeysLinker(CampaignLinker):
    """The embedded CampaignLinker, fed link keys computed on the executors instead of recomputing
    them from each state: `observe`, evidence accumulation and union-find are the embedded code."""

    def __init__(self, *args: Any, keys: dict[str, list] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.precomputed = keys or {}

    @classmethod
    def like(cls, linker: CampaignLinker, keys: dict[str, list]) -> "PrecomputedKeysLinker":
        return cls(bucket_minutes=linker.bucket_minutes, per_type=linker.per_type, keys=keys)

    def keys_of(self, state) -> list[tuple[tuple, str]]:
        return self.precomputed.get(state.account_id, [])


def run_spark_scan(inputs: list[Path], out: Path, master: str = "local[*]", config_path: str | Path | None = None,
                   campaigns_out: Path | None = None, partitions: int | None = None) -> dict[str, Any]:
    """Entry point of `distillguard scan --engine spark [--master URL]`: writes verdicts (JSONL), returns stats.

    Reuses an active SparkSession (e.g. under spark-submit or in tests), else starts one
    on `master` and stops it at the end.
    """
    from pyspark.sql import SparkSession

    from distillguard.pipeline import _campaign_json, write_verdicts

    active = SparkSession.getActiveSession()
    spark = active or spark_session(master)
    try:
        result = spark_scan(spark, list(inputs), load_config(config_path), partitions)
    finally:
        if active is None:
            spark.stop()
    write_verdicts(result["verdicts"], Path(out))
    engine = result["engine"]
    if campaigns_out is not None:
        Path(campaigns_out).parent.mkdir(parents=True, exist_ok=True)
        with open(campaigns_out, "wb") as handle:
            for view in result["campaigns"]:
                handle.write(orjson.dumps(_campaign_json(view, engine.threshold)) + b"\n")
    return result["stats"]
