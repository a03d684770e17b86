"""Defect 4: a parallel batch scan (> 20 MB) must give exactly what one process gives.

The log mixes in what broke the byte-skimming partitioner: a decoy "account_id" earlier in the
line, the key written with a JSON escape, exact duplicates, request ids reused by another account,
and a half-written last line.
"""

from __future__ import annotations

import random
from pathlib import Path

import duckdb
import orjson

from distillguard.pipeline import scan


def build_tricky_log(small_sim: Path, path: Path, target_bytes: int = 21_000_000) -> dict:
    rng = random.Random(17)
    base = [orjson.loads(line) for line in (Path(small_sim) / "events.jsonl").read_bytes().splitlines()]
    pad = max(0, target_bytes // len(base) - 1100)
    out: list[bytes] = []
    kinds = {"decoy": 0, "escaped_key": 0, "duplicate": 0, "other_account": 0}
    for number, event in enumerate(base):
        event["x_padding"] = "." * pad  # unknown fields are kept and ignored; makes the file pass the parallel threshold
        if number % 10 == 3:  # a decoy account id in the request, serialised before the real key
            event = {"request": dict({"metadata": {"account_id": f"decoy-{number % 7}"}}, **event["request"]),
                     **{k: v for k, v in event.items() if k != "request"}}
            kinds["decoy"] += 1
        line = orjson.dumps(event)
        if number % 10 == 7:
            line = line.replace(b'"account_id"', b'"\\u0061ccount_id"', 1)
            kinds["escaped_key"] += 1
        out.append(line)
    for line in rng.sample(out, 150):
        out.insert(rng.randrange(len(out)), line)
        kinds["duplicate"] += 1
    accounts = sorted({e["account_id"] for e in base})
    for event in rng.sample(base, 60):
        other = dict(event, account_id=rng.choice([a for a in accounts if a != event["account_id"]]))
        out.append(orjson.dumps(other))
        kinds["other_account"] += 1
    data = b"\n".join(out) + b"\n" + orjson.dumps(base[0])[:-40]  # half-written last line
    path.write_bytes(data)
    return kinds


def _store(db: Path) -> tuple:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*), count(DISTINCT request_id), sum(hash(request_id || account_id)) FROM events").fetchone()
    finally:
        con.close()


def test_parallel_scan_equals_single_process_on_a_tricky_20mb_log(small_sim, tmp_path):
    log = tmp_path / "tricky.jsonl"
    build_tricky_log(small_sim, log)
    assert log.stat().st_size > 20_000_000
    one = scan(log, workers=1, db=tmp_path / "one.duckdb", rejects=tmp_path / "r1.jsonl")
    two = scan(log, workers=2, db=tmp_path / "two.duckdb", rejects=tmp_path / "r2.jsonl")
    assert two.stats.get("workers", 2) == 2
    for key in ("events", "rejects", "accounts", "flagged", "campaigns"):
        assert one.stats[key] == two.stats[key], key
    assert one.stats["rejects"] == 61  # 60 ids reused by another account + the half-written last line
    by_account = lambda result: {v["account_id"]: (round(v["risk"], 6), v["requests"], v["flagged"], v.get("campaign_id"))  # noqa: E731
                                 for v in result.verdicts}
    assert by_account(one) == by_account(two)
    assert sum(v["requests"] for v in two.verdicts) == two.stats["events"]
    assert _store(tmp_path / "one.duckdb") == _store(tmp_path / "two.duckdb")
    rows, ids, _ = _store(tmp_path / "two.duckdb")
    assert rows == ids == two.stats["events"]
    assert (tmp_path / "r1.jsonl").read_bytes().count(b"\n") == (tmp_path / "r2.jsonl").read_bytes().count(b"\n") == 61
