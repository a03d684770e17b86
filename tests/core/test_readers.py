"""Ingestion: every malformed record is set aside with file, line, field and reason; nothing stops the scan."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import orjson
import pytest

from distillguard.events.readers import RejectSink, StrictModeError, iter_events, iter_file


def _event(i: int, **over) -> dict:
    base = {"request_id": f"r{i}", "ts": "2026-11-02T10:00:00Z", "account_id": f"a{i % 3}",
            "request": {"messages": [{"role": "user", "content": f"hello {i}"}], "max_tokens": 100}}
    base.update(over)
    return base


def _write(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_each_malformed_case_is_rejected_with_its_field(tmp_path):
    good = [orjson.dumps(_event(i)) for i in range(5)]
    bad = [
        orjson.dumps(_event(10))[:-15],  # truncated line
        orjson.dumps(_event(11, request={"messages": "not a list"})),  # wrong type
        orjson.dumps({k: v for k, v in _event(12).items() if k != "account_id"}),  # missing account_id
        b'{"request_id": "r13", "ts": "2026-11-02T10:00:00Z", "account_id": "a\xff\xfe", "request": {}}',  # invalid UTF-8
        orjson.dumps(_event(14, request={"prompt": "x" * (50 * 1024 * 1024)})),  # a 50 MB prompt
        orjson.dumps(_event(15, ts="yesterday")),  # bad timestamp
        orjson.dumps(_event(16, request={"messages": [], "temperature": "hot"})),
    ]
    path = _write(tmp_path / "log.jsonl", good[:2] + bad + good[2:])
    sink = RejectSink(tmp_path / "rejects.jsonl")
    events = list(iter_events([path], sink))
    sink.close()
    assert [e.request_id for e in events] == [f"r{i}" for i in range(5)]
    assert sink.count == len(bad)
    rejects = [json.loads(line) for line in (tmp_path / "rejects.jsonl").read_text().splitlines()]
    fields = [r["field"] for r in rejects]
    assert fields == ["<line>", "request.messages", "account_id", "<line>", "<line>", "ts", "request.temperature"]
    assert [r["line"] for r in rejects] == list(range(3, 3 + len(bad)))
    assert all(r["file"] == str(path) and r["reason"] for r in rejects)
    assert "UTF-8" in rejects[3]["reason"] and "exceeds" in rejects[4]["reason"]


def test_strict_mode_stops_at_first_bad_record(tmp_path):
    path = _write(tmp_path / "log.jsonl", [orjson.dumps(_event(1)), b"{broken"])
    with pytest.raises(StrictModeError, match=r"log.jsonl:2: <line>"):
        list(iter_events([path], RejectSink(strict=True)))


def test_duplicate_request_ids_are_stored_once(tmp_path):
    line = orjson.dumps(_event(1))
    path = _write(tmp_path / "log.jsonl", [line, line, orjson.dumps(_event(2))])
    assert [e.request_id for e in iter_events([path], RejectSink())] == ["r1", "r2"]


def test_gzip_zstd_and_parquet_read_the_same_events(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    import zstandard

    lines = [orjson.dumps(_event(i)) for i in range(20)]
    payload = b"\n".join(lines) + b"\n"
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(payload))
    (tmp_path / "a.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(payload))
    rows = [_event(i) for i in range(20)]
    pq.write_table(pa.Table.from_pylist([dict(r, request=json.dumps(r["request"])) for r in rows]), tmp_path / "a.parquet")
    expected = [f"r{i}" for i in range(20)]
    for name in ("a.jsonl.gz", "a.jsonl.zst", "a.parquet"):
        sink = RejectSink()
        assert [e.request_id for _, e in iter_file(tmp_path / name, sink)] == expected, name
        assert sink.count == 0


def test_prompt_and_response_text_are_extracted():
    from distillguard.events.model import parse_event

    event = parse_event(_event(1, request={"messages": [{"role": "system", "content": "be brief"},
                                                         {"role": "user", "content": [{"type": "text", "text": "hi"}]}]},
                               response={"choices": [{"message": {"content": "hello"}}], "usage": {"prompt_tokens": 3, "completion_tokens": 1}}))
    assert event.prompt_text == "hi" and event.system_text == "be brief" and event.response_text == "hello"
    assert (event.prompt_tokens, event.completion_tokens) == (3, 1)
