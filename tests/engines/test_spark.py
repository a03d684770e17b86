"""The Spark engine reaches the embedded engine's verdicts on the same logs.

Tolerance: risks agree to 1e-6 (verdicts round risks to 6 decimals; the per-account
arithmetic is the same code, folded in time order on both sides for time-ordered logs),
and the flagged accounts and the campaigns (member sets) are identical.
One local[2] SparkSession is shared by the module (starting one costs ~10-20 s).
"""

from __future__ import annotations

import gzip
import shutil
from datetime import datetime
from pathlib import Path

import orjson
import pytest

pyspark = pytest.importorskip("pyspark", reason="pyspark not installed (pip install -e '.[engines]')")

RISK_TOLERANCE = 1e-6


def _java_ok() -> bool:
    return shutil.which("java") is not None or bool(__import__("os").environ.get("JAVA_HOME"))


@pytest.fixture(scope="module")
def spark():
    if not _java_ok():
        pytest.skip("no Java runtime (Spark needs Java 17: apt-get install openjdk-17-jre-headless)")
    from distillguard.engines.spark import spark_session

    session = spark_session("local[2]", shuffle_partitions=4, driver_memory="1g")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def day_partitioned_logs(tmp_path_factory, small_traffic):
    """The same traffic as a log partitioned by day: one day gzip'ed JSONL, the other Parquet
    (nested objects as JSON strings, ts as a timestamp column), plus a malformed line."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = tmp_path_factory.mktemp("events")
    by_day: dict[str, list[dict]] = {}
    for event in small_traffic:
        by_day.setdefault(event["ts"][:10], []).append(event)
    days = sorted(by_day)
    for number, day in enumerate(days):
        folder = root / f"day={day}"
        folder.mkdir()
        events = by_day[day]
        if number % 2 == 0:
            with gzip.open(folder / "part-0.jsonl.gz", "wb") as handle:
                for event in events:
                    handle.write(orjson.dumps(event) + b"\n")
                if number == 0:
                    handle.write(b'{"request_id": "broken", "ts": 12}\n')
        else:
            columns: dict[str, list] = {}
            keys = sorted({k for e in events for k in e})
            for key in keys:
                values = [e.get(key) for e in events]
                if key in ("request", "response", "account"):
                    values = [orjson.dumps(v).decode() if v is not None else None for v in values]
                elif key == "ts":
                    values = [datetime.fromisoformat(v) for v in values]
                columns[key] = values
            pq.write_table(pa.table(columns), folder / "part-0.parquet")
    return root


def test_spark_engine_agrees_with_embedded_engine(spark, day_partitioned_logs, small_traffic, tmp_path):
    from distillguard.engines.spark import run_spark_scan
    from distillguard.pipeline import scan

    embedded = scan([day_partitioned_logs], workers=1)
    out = tmp_path / "verdicts.jsonl"
    campaigns_out = tmp_path / "campaigns.jsonl"
    stats = run_spark_scan([day_partitioned_logs], out, master="local[2]", campaigns_out=campaigns_out)

    assert stats["events"] == embedded.stats["events"] == len(small_traffic)
    assert stats["rejects"] == embedded.stats["rejects"] == 1
    spark_verdicts = {v["account_id"]: v for v in map(orjson.loads, out.read_bytes().splitlines())}
    embedded_verdicts = {v["account_id"]: v for v in embedded.verdicts}
    assert set(spark_verdicts) == set(embedded_verdicts)
    assert {a for a, v in spark_verdicts.items() if v["flagged"]} == {a for a, v in embedded_verdicts.items() if v["flagged"]}
    assert sum(v["flagged"] for v in spark_verdicts.values()) > 20
    for account, verdict in embedded_verdicts.items():
        other = spark_verdicts[account]
        assert other["risk"] == pytest.approx(verdict["risk"], abs=RISK_TOLERANCE), account
        assert other["requests"] == verdict["requests"]
        assert other["campaign_id"] == verdict["campaign_id"]
        assert sorted(f["detector"] for f in other["findings"]) == sorted(f["detector"] for f in verdict["findings"])
    spark_campaigns = sorted(tuple(c["member_ids"]) for c in map(orjson.loads, campaigns_out.read_bytes().splitlines()))
    assert spark_campaigns == sorted(tuple(c["member_ids"]) for c in embedded.campaigns)
    assert len(spark_campaigns) >= 4

    # the verdicts follow the published schema
    import json

    import jsonschema

    schema_path = Path(__file__).resolve().parents[3] / "shared" / "spec" / "account-verdict.schema.json"
    if schema_path.exists():
        schema = json.loads(schema_path.read_text())
        for verdict in list(spark_verdicts.values())[:50]:
            jsonschema.validate(verdict, schema)


def test_link_keys_match_the_embedded_linker(small_traffic):
    """The keys shuffled by the Spark graph step are exactly those CampaignLinker.observe joins on."""
    from distillguard.engines.spark import link_keys
    from distillguard.events.model import parse_event
    from distillguard.linking.linker import CampaignLinker
    from distillguard.scoring.engine import DetectionEngine

    engine = DetectionEngine()
    for event in small_traffic[:3000]:
        engine.ingest(parse_event(event))
    linker = CampaignLinker(engine.linker.bucket_minutes, engine.linker.per_type)
    for state in engine.states.values():
        linker.observe(state)
        assert {key for key, _ in link_keys(state, linker)} == linker.seen_keys[state.account_id]
