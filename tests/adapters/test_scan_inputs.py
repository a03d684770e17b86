"""`scan` on foreign logs: detection note, round trips to verdicts, and honest failures (issue 16 item 7)."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from distillguard.cli import app
from tests.adapters.conftest import FIXTURES

runner = CliRunner(env={"COLUMNS": "400"})  # no terminal wrapping inside messages


def flat(result) -> str:
    """The command's output with the terminal's line wrapping undone."""
    return " ".join(result.output.split())


def _scan(*args: str):
    result = runner.invoke(app, ["scan", *args])
    assert "Traceback" not in flat(result)
    return result


@pytest.mark.parametrize("name, fmt, events", [
    ("litellm_standard_logging_payload.jsonl", "litellm-payload", 1), ("litellm_spend_logs.csv", "litellm-spend", 1),
    ("otel_genai_semconv.jsonl", "otlp-json", 2), ("openai_batch_output.jsonl", "openai-batch", 1),
    ("openai_chat_completion.json", "openai-chat", 1), ("openai_responses.json", "openai-responses", 1),
    ("langfuse_ingestion_batch.json", "langfuse", 1), ("helicone_export.csv", "helicone", 1)])
def test_round_trip_adapter_to_verdicts(name, fmt, events, tmp_path):
    from distillguard.pipeline import scan

    result = scan(FIXTURES / name, out=tmp_path / "v.jsonl", input_format="auto")
    assert result.stats["formats"] == {str(FIXTURES / name): fmt}
    assert result.stats["events"] == events and result.stats["rejects"] == 0
    verdicts = [json.loads(line) for line in (tmp_path / "v.jsonl").read_text().splitlines()]
    assert sum(v["requests"] for v in verdicts) == events


def test_scan_names_the_detected_format_and_each_evidence_gap_once(tmp_path):
    result = _scan(str(FIXTURES / "litellm_standard_logging_payload.jsonl"), "--no-db", "--out", str(tmp_path / "v.jsonl"))
    assert result.exit_code == 0, result.output
    text = flat(result)
    assert "detected format: litellm-payload" in text
    assert text.count("no client IP") == 1 and text.count("no payment fingerprint") == 1
    assert "linking by shared IP" in text and "account identity: 1 of 1 requests name no account" in text


def test_native_events_lose_no_evidence(tmp_path):
    from distillguard.pipeline import scan

    event = {"request_id": "r1", "ts": "2026-01-01T00:00:00Z", "account_id": "a", "ip": "198.51.100.7", "user_agent": "ua",
             "request": {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 5, "logprobs": True},
             "response": {"choices": [{"message": {"content": "yo"}}], "usage": {"prompt_tokens": 1, "completion_tokens": 1}},
             "cost_usd": 0.1, "account": {"payment_fingerprint": "fp", "created_at": "2025-12-01T00:00:00Z"}}
    (tmp_path / "e.jsonl").write_text(json.dumps(event) + "\n")
    assert scan(tmp_path / "e.jsonl", input_format="auto").stats["missing_evidence"] == []


def test_unknown_format_exits_non_zero_listing_supported_ones(tmp_path):
    (tmp_path / "x.jsonl").write_text('{"id": "chatcmpl-1", "created": 1700000000, "user": "u1"}\n')
    result = _scan(str(tmp_path / "x.jsonl"), "--no-db")
    text = flat(result)
    assert result.exit_code == 2
    assert "JSONL with keys id, created, user" in text and "supported formats: api-event, litellm-payload" in text
    assert "required event fields: request_id, ts, account_id, request" in text
    named = _scan(str(tmp_path / "x.jsonl"), "--no-db", "--format", "splunk")
    assert named.exit_code == 2 and "unknown --format 'splunk'" in flat(named)


@pytest.mark.parametrize("content, looks_like", [
    ("a,b,c\n1,2,3\n", "CSV with columns a, b, c"),
    ('[{"id": "x", "created": 1, "user": "u"}]', "a JSON array with keys id, created, user"),
    ("", "an empty file")])
def test_unreadable_inputs_say_what_they_look_like(content, looks_like, tmp_path):
    path = tmp_path / ("in.csv" if content.startswith("a,") else "in.json")
    path.write_text(content)
    result = _scan(str(path), "--no-db")
    assert result.exit_code == 2 and looks_like in flat(result)


def test_empty_folder_and_fake_gzip_fail_naming_the_path(tmp_path):
    (tmp_path / "empty").mkdir()
    folder = _scan(str(tmp_path / "empty"), "--no-db")
    assert folder.exit_code == 2 and "folder holds no log file" in flat(folder)
    (tmp_path / "fake.jsonl.gz").write_bytes(b"not gzip at all\n")
    fake = _scan(str(tmp_path / "fake.jsonl.gz"), "--no-db", "--format", "api-event")
    assert fake.exit_code == 2 and "fake.jsonl.gz" in flat(fake)


def test_native_file_with_no_valid_record_exits_non_zero(tmp_path):
    (tmp_path / "e.jsonl").write_text('{"request_id": "a", "ts": "2026-01-01T00:00:00Z", "account_id": "x", "request": {"n": "two"}}\n')
    result = _scan(str(tmp_path / "e.jsonl"), "--no-db", "--format", "api-event", "--out", str(tmp_path / "v.jsonl"))
    text = flat(result)
    assert result.exit_code == 2 and "no valid record read" in text and "request.n" in text


def test_duplicates_are_counted_and_reject_share_enforced(small_sim, tmp_path):
    lines = (small_sim / "events.jsonl").read_text().splitlines()[:10]
    (tmp_path / "dup.jsonl").write_text("\n".join(lines + lines[:3]) + "\n")
    dup = _scan(str(tmp_path / "dup.jsonl"), "--no-db", "--out", str(tmp_path / "v.jsonl"))
    assert dup.exit_code == 0 and "3 duplicate request id(s)" in flat(dup)
    (tmp_path / "bad.jsonl").write_text("\n".join(lines[:3] + ["{not json"] * 4) + "\n")
    bad = _scan(str(tmp_path / "bad.jsonl"), "--no-db", "--format", "api-event", "--out", str(tmp_path / "v.jsonl"))
    assert bad.exit_code == 2 and "4 of 7 records (57%) were rejected" in flat(bad)
    lenient = _scan(str(tmp_path / "bad.jsonl"), "--no-db", "--format", "api-event", "--out", str(tmp_path / "v.jsonl"),
                    "--max-reject-share", "0.6")
    assert lenient.exit_code == 0


def test_gzipped_foreign_log_in_a_folder_is_found_and_read(tmp_path):
    (tmp_path / "logs").mkdir()
    with gzip.open(tmp_path / "logs" / "spans.jsonl.gz", "wb") as handle:
        handle.write((FIXTURES / "otel_genai_semconv.jsonl").read_bytes())
    shutil.copy(FIXTURES / "helicone_export.csv", tmp_path / "logs" / "helicone.csv")
    result = _scan(str(tmp_path / "logs"), "--no-db", "--out", str(tmp_path / "v.jsonl"))
    text = flat(result)
    assert result.exit_code == 0, text
    assert "detected format: otlp-json" in text and "detected format: helicone" in text and "3 events" in text


def test_mapped_csv_with_yaml_mapping(tmp_path):
    (tmp_path / "map.yaml").write_text("request_id: req\nts: when\naccount_id: customer\nprompt: text\nip: client_ip\nmax_tokens: max_out\n")
    (tmp_path / "own.csv").write_text("req,when,customer,text,client_ip,max_out\nr1,1733011200,c1,hello there,203.0.113.9,64\n"
                                      "r2,2024-12-01T00:00:05Z,c1,second,203.0.113.9,\n")
    from tests.adapters.conftest import read_events

    events, sink, _ = read_events(tmp_path / "own.csv", fmt="csv", options={"mapping": str(tmp_path / "map.yaml")})
    assert sink.count == 0 and [e.request_id for e in events] == ["r1", "r2"]
    assert events[0].ts.isoformat() == "2024-12-01T00:00:00+00:00" and events[0].ip == "203.0.113.9"
    assert events[0].request["max_tokens"] == 64 and "max_tokens" not in events[1].request
    (tmp_path / "bad.yaml").write_text("request_id: req\nts: when\naccount: customer\n")
    result = _scan(str(tmp_path / "own.csv"), "--no-db", "--format", "csv", "--mapping", str(tmp_path / "bad.yaml"))
    assert result.exit_code == 2 and "unknown event field(s) account" in flat(result)


def test_jsonl_whose_first_line_is_longer_than_the_detection_window(tmp_path):
    """An OTLP export line with hundreds of spans is far over 64 KiB; it is still one JSONL record, not a broken document."""
    doc = json.loads((FIXTURES / "otel_genai_semconv.jsonl").read_text().splitlines()[0])
    span = doc["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
    spans = []
    for i in range(300):
        copy = json.loads(json.dumps(span))
        for attr in copy["attributes"]:
            if attr["key"] == "gen_ai.response.id":
                attr["value"]["stringValue"] = f"chatcmpl-{i}"
        spans.append(copy)
    doc["resourceSpans"][0]["scopeSpans"][0]["spans"] = spans
    line = json.dumps(doc)
    assert len(line) > 1 << 16
    (tmp_path / "big.jsonl").write_text(line + "\n" + line + "\n")
    from tests.adapters.conftest import read_events

    events, sink, formats = read_events(tmp_path / "big.jsonl")
    assert set(formats.values()) == {"otlp-json"} and sink.count == 0 and len(events) == 600


def test_csv_export_with_a_cell_over_the_csv_module_default_limit(tmp_path):
    """A Helicone export cell holds the whole request body; Python's csv refuses cells over 128 KiB by default."""
    import csv

    rows = list(csv.DictReader((FIXTURES / "helicone_export.csv").open()))
    body = json.loads(rows[0]["request_body"])
    body["messages"][1]["content"] = "word " * 40_000  # 200 kB prompt
    rows[0]["request_body"] = json.dumps(body)
    with open(tmp_path / "big.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    from tests.adapters.conftest import read_events

    (event,), sink, _ = read_events(tmp_path / "big.csv")
    assert sink.count == 0 and len(event.prompt_text) == 200_000


def test_corrupt_parquet_and_csv_errors_name_the_file(tmp_path):
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 this is not parquet")
    result = _scan(str(tmp_path / "bad.parquet"), "--no-db", "--format", "helicone")
    assert result.exit_code == 2 and "bad.parquet" in flat(result)
    (tmp_path / "nul.csv").write_bytes(b"request_id,ts\n\x00x,1\n")
    result = _scan(str(tmp_path / "nul.csv"), "--no-db", "--format", "helicone")
    assert result.exit_code == 2 and "nul.csv" in flat(result)


def test_parallel_scan_counts_duplicates_and_evidence_like_one_process(small_sim, tmp_path):
    from distillguard.pipeline import scan

    lines = (small_sim / "events.jsonl").read_text().splitlines()
    (tmp_path / "dup.jsonl").write_text("\n".join(lines + lines[:50]) + "\n")
    one = scan(tmp_path / "dup.jsonl", input_format="auto", workers=1).stats
    two = scan(tmp_path / "dup.jsonl", input_format="auto", workers=2).stats
    assert one["duplicates"] == two["duplicates"] == 50
    assert one["missing_evidence"] == two["missing_evidence"]


def test_library_scan_of_a_folder_of_foreign_logs(tmp_path):
    from distillguard.pipeline import scan

    shutil.copy(FIXTURES / "helicone_export.csv", tmp_path / "a.csv")
    shutil.copy(FIXTURES / "openai_chat_completion.json", tmp_path / "b.json")
    stats = scan(tmp_path, input_format="auto").stats
    assert stats["events"] == 2 and sorted(stats["formats"].values()) == ["helicone", "openai-chat"]


def test_accounts_table_restores_the_metadata_a_format_lacks(tmp_path):
    """LiteLLM payloads carry no payment or sign-up data; the billing table joined with --accounts puts it back."""
    from distillguard.pipeline import scan

    payload = json.loads((FIXTURES / "litellm_standard_logging_payload.jsonl").read_text())
    payload["metadata"]["user_api_key_user_id"] = "acct-1"
    (tmp_path / "p.jsonl").write_text(json.dumps(payload) + "\n")
    (tmp_path / "accounts.csv").write_text("account_id,created_at,payment_fingerprint,email_domain\n"
                                           "acct-1,2025-01-24 08:00:00,fp_123,example.org\n")
    bare = scan(tmp_path / "p.jsonl", input_format="auto").stats["missing_evidence"]
    joined = scan(tmp_path / "p.jsonl", input_format="auto", adapter_options={"accounts": str(tmp_path / "accounts.csv")})
    assert any("payment fingerprint" in line for line in bare)
    assert not any("payment fingerprint" in line or "account metadata" in line for line in joined.stats["missing_evidence"])
    (tmp_path / "bad.csv").write_text("user,created_at\nacct-1,2025-01-24\n")
    result = _scan(str(tmp_path / "p.jsonl"), "--no-db", "--accounts", str(tmp_path / "bad.csv"))
    assert result.exit_code == 2 and "account_id: missing" in flat(result)
