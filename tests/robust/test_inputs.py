"""Defects 6 and 9: damaged compressed files, BOMs, huge lines, reruns, folders and conflicting ids."""

from __future__ import annotations

import gzip
import json
import tracemalloc

import orjson
import pytest
import zstandard
from typer.testing import CliRunner

from distillguard.cli import app
from distillguard.events.readers import RejectSink, iter_events
from distillguard.pipeline import scan
from tests.robust.conftest import event, write_jsonl


def _payload(n: int = 400) -> bytes:
    return b"".join(orjson.dumps(event(i)) + b"\n" for i in range(n))


def _rejects(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _read(path, tmp_path):
    sink = RejectSink(tmp_path / "rejects.jsonl")
    events = list(iter_events([path], sink))
    sink.close()
    return events, _rejects(tmp_path / "rejects.jsonl")


@pytest.mark.parametrize("kind", ["gz", "zst"])
def test_truncated_compressed_file_keeps_what_was_readable_and_says_where(tmp_path, kind):
    data = _payload(2000)
    packed = gzip.compress(data) if kind == "gz" else zstandard.ZstdCompressor().compress(data)
    path = tmp_path / f"log.jsonl.{kind}"
    path.write_bytes(packed[: len(packed) * 2 // 3])
    events, rejects = _read(path, tmp_path)
    assert 100 < len(events) < 2000
    damage = [r for r in rejects if r["field"] == "<compression>"]
    assert len(damage) == 1 and "truncated" in damage[0]["reason"] and f"{len(packed) * 2 // 3:,}" in damage[0]["reason"]
    assert damage[0]["line"] == max(r["line"] for r in rejects)


@pytest.mark.parametrize("kind", ["gz", "zst"])
def test_trailing_garbage_after_a_compressed_stream_is_one_reject_not_an_abort(tmp_path, kind):
    data = _payload(300)
    packed = gzip.compress(data) if kind == "gz" else zstandard.ZstdCompressor().compress(data)
    path = tmp_path / f"log.jsonl.{kind}"
    path.write_bytes(packed + b"this is not compressed data")
    events, rejects = _read(path, tmp_path)
    assert len(events) == 300
    assert len(rejects) == 1 and rejects[0]["field"] == "<compression>" and f"byte {len(packed):,}" in rejects[0]["reason"]
    result = CliRunner().invoke(app, ["scan", str(path), "--no-db", "--out", str(tmp_path / "v.jsonl")])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and "300 events" in result.output


def test_multi_member_gzip_with_zero_padding_is_not_damage(tmp_path):
    path = tmp_path / "log.jsonl.gz"
    path.write_bytes(gzip.compress(_payload(10)) + gzip.compress(b"".join(orjson.dumps(event(i)) + b"\n" for i in range(10, 20))) + b"\0" * 64)
    events, rejects = _read(path, tmp_path)
    assert len(events) == 20 and rejects == []


def test_a_byte_order_mark_does_not_cost_the_first_record(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + _payload(3))
    events, rejects = _read(path, tmp_path)
    assert [e.request_id for e in events] == ["r0", "r1", "r2"] and rejects == []


def test_an_oversized_line_is_refused_without_holding_it_in_memory(tmp_path):
    path = tmp_path / "huge.jsonl"
    with open(path, "wb") as handle:
        handle.write(orjson.dumps(event(1)) + b"\n")
        handle.write(b'{"request_id": "big", "pad": "' + b"x" * (60 * 1024 * 1024) + b'"}\n')
        handle.write(orjson.dumps(event(2)) + b"\n")
    tracemalloc.start()
    events, rejects = _read(path, tmp_path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [e.request_id for e in events] == ["r1", "r2"]
    assert len(rejects) == 1 and rejects[0]["line"] == 2 and "exceeds" in rejects[0]["reason"]
    assert peak < 24 * 1024 * 1024, f"peak {peak:,} bytes for a 60 MB line"


def test_rejects_file_holds_this_run_only_and_a_rescan_does_not_reject_old_lines_again(tmp_path):
    log = write_jsonl(tmp_path / "log.jsonl", [event(1), b"{broken", event(2), b"{broken at the end"])
    rejects, db = tmp_path / "rejects.jsonl", tmp_path / "s.duckdb"
    for _ in range(2):  # a rerun without a store re-reads everything: same rejects, not twice as many
        scan(log, rejects=rejects)
        assert len(_rejects(rejects)) == 2
    first = scan(log, db=db, rejects=rejects)
    assert first.stats["rejects"] == 2
    again = scan(log, db=db, rejects=rejects)  # nothing new in the log: nothing new rejected
    assert again.stats["rejects"] == 0 and _rejects(rejects) == []


def test_an_unterminated_last_line_is_read_again_once_complete(tmp_path):
    full = orjson.dumps(event(9))
    log = tmp_path / "log.jsonl"
    log.write_bytes(orjson.dumps(event(1)) + b"\n" + full[:20])
    db = tmp_path / "s.duckdb"
    first = scan(log, db=db, rejects=tmp_path / "rejects.jsonl")
    assert first.stats["events"] == 1 and first.stats["rejects"] == 1
    assert "no newline" in _rejects(tmp_path / "rejects.jsonl")[0]["reason"]
    log.write_bytes(orjson.dumps(event(1)) + b"\n" + full + b"\n")
    assert scan(log, db=db).stats["events"] == 1  # the finished line, not skipped as "done"


def test_a_folder_of_json_and_log_files_is_read(tmp_path):
    folder = tmp_path / "logs"
    folder.mkdir()
    write_jsonl(folder / "a.json", [event(1), event(2)])
    write_jsonl(folder / "b.log", [event(3)])
    (folder / "notes.txt").write_text("not a log")
    result = scan(folder, out=tmp_path / "v.jsonl")
    assert result.stats["events"] == 3 and len(result.stats["files"]) == 2


def test_a_request_id_reused_by_another_account_is_rejected_not_dropped(tmp_path):
    log = write_jsonl(tmp_path / "log.jsonl", [event(1, account_id="alice"), event(1, account_id="alice"), event(1, account_id="mallory")])
    result = scan(log, rejects=tmp_path / "rejects.jsonl")
    assert result.stats["events"] == 1 and result.stats["duplicates"] == 1
    (reject,) = _rejects(tmp_path / "rejects.jsonl")
    assert reject["line"] == 3 and reject["field"] == "request_id" and "another account" in reject["reason"]
