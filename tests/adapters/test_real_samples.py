"""Each adapter on real example files of its source project (tests/adapters/fixtures/SOURCE.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from distillguard.adapters import ADAPTERS
from tests.adapters.conftest import FIXTURES, read_events


def _get(event, dotted: str):
    value = event.to_json()
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def test_litellm_standard_logging_payload():
    (event,), sink, formats = read_events(FIXTURES / "litellm_standard_logging_payload.jsonl")
    assert set(formats.values()) == {"litellm-payload"} and sink.count == 0
    assert event.request_id == "chatcmpl-2299b6a2-82a3-465a-b47c-04e685a2227f"
    assert event.ts.isoformat() == "2025-01-24T09:20:46.847371+00:00"
    assert event.model == "gpt-4o" and event.endpoint == "/v1/chat/completions" and event.status == 200
    assert event.prompt_text == "Hello, world!" and event.response_text == "hi"
    assert (event.prompt_tokens, event.completion_tokens) == (10, 20)
    assert event.cost_usd == pytest.approx(0.000225) and event.latency_ms == pytest.approx(7.394, abs=0.01)
    assert event.request["stream"] is True
    assert event.account_id == "anonymous"  # the sample's key carries no user, team or end user


@pytest.mark.parametrize("name", ["litellm_spend_logs.jsonl", "litellm_spend_logs.csv"])
def test_litellm_spend_log_rows(name):
    (event,), sink, formats = read_events(FIXTURES / name)
    assert set(formats.values()) == {"litellm-spend"} and sink.count == 0
    assert event.request_id == "chatcmpl-2283081b-dc89-41f6-93e6-d4f914774027"
    assert event.ts.isoformat() == "2025-01-24T09:20:46.847371+00:00"
    assert (event.prompt_tokens, event.completion_tokens) == (10, 20) and event.cost_usd == pytest.approx(0.000225)
    assert event.latency_ms == pytest.approx(4.583, abs=0.01)
    assert event.prompt_text == ""  # the proxy was not set to store prompts: messages is "{}"


def test_otel_genai_semconv_spans_on_span_and_on_event_attributes():
    events, sink, formats = read_events(FIXTURES / "otel_genai_semconv.jsonl")
    assert set(formats.values()) == {"otlp-json"} and sink.count == 0 and len(events) == 2
    for event in events:
        assert event.request_id.startswith("chatcmpl-9J3uIL87gldCFtiIbyaOvTeYBRA3")
        assert event.model == "gpt-4" and event.request["max_tokens"] == 200 and event.request["top_p"] == 1.0
        assert event.system_text == "You are a helpful bot"
        assert event.prompt_text == "Tell me a joke about OpenTelemetry"
        assert "trace the fun" in event.response_text
        assert (event.prompt_tokens, event.completion_tokens) == (52, 47)
    assert [e.latency_ms for e in events] == [1250.0, 1100.0]


def test_openai_batch_output_alone_and_input_alone():
    (event,), sink, formats = read_events(FIXTURES / "openai_batch_output.jsonl")
    assert set(formats.values()) == {"openai-batch"}
    assert event.request_id == "req_c187b3" and event.ts.isoformat() == "2024-03-26T17:44:14+00:00"
    assert event.response_text == "2 + 2 equals 4." and event.completion_tokens == 15
    assert event.account_id == "batch:openai_batch_output"
    events, sink, _ = read_events(FIXTURES / "openai_batch_input.jsonl")
    assert events == [] and sink.count == 1 and "without its output line" in sink.first[0].reason


def test_openai_batch_input_joins_its_output_by_custom_id(tmp_path):
    # The reference's two examples use different custom_ids; give the output the input's id to join them.
    output = json.loads((FIXTURES / "openai_batch_output.jsonl").read_text())
    output["custom_id"] = "request-1"
    (tmp_path / "out.jsonl").write_text(json.dumps(output) + "\n")
    events, sink, _ = read_events(FIXTURES / "openai_batch_input.jsonl", tmp_path / "out.jsonl")
    assert sink.count == 0 and len(events) == 1
    (event,) = events
    assert event.prompt_text == "What is 2+2?" and event.system_text == "You are a helpful assistant."
    assert event.model == "gpt-4o-mini" and event.response_text == "2 + 2 equals 4."


def test_openai_chat_completion_object():
    (event,), sink, formats = read_events(FIXTURES / "openai_chat_completion.json")
    assert set(formats.values()) == {"openai-chat"}
    assert event.request_id == "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG" and event.ts.isoformat() == "2025-03-10T01:31:23+00:00"
    assert event.completion_tokens == 46 and event.response_text.startswith("The image shows a wooden boardwalk")


def test_openai_responses_object():
    (event,), sink, formats = read_events(FIXTURES / "openai_responses.json")
    assert set(formats.values()) == {"openai-responses"}
    assert event.endpoint == "/v1/responses" and event.ts.isoformat() == "2025-03-08T23:32:57+00:00"
    assert (event.prompt_tokens, event.completion_tokens) == (328, 52)
    assert event.response_text.startswith("The image depicts a scenic landscape") and event.request["temperature"] == 1.0


def test_langfuse_ingestion_batch_joins_generation_to_trace():
    (event,), sink, formats = read_events(FIXTURES / "langfuse_ingestion_batch.json")
    assert set(formats.values()) == {"langfuse"} and sink.count == 0
    assert event.request_id == "time-11-28-54-796360_chatcmpl-521e530f-5e29-4d0a-8d1a-58fca0a847c2"
    assert event.ts.isoformat() == "2025-01-16T19:28:54.796360+00:00" and event.model == "gpt-3.5-turbo"
    assert event.prompt_text == "Hello!" and event.response_text == "Hello! How can I assist you today?"
    assert (event.prompt_tokens, event.completion_tokens) == (10, 20) and event.latency_ms == pytest.approx(327.993, abs=0.01)


@pytest.mark.parametrize("name", ["helicone_export.csv", "helicone_export.jsonl"])
def test_helicone_export_rows(name):
    (event,), sink, formats = read_events(FIXTURES / name)
    assert set(formats.values()) == {"helicone"} and sink.count == 0
    assert event.account_id == "user-123" and event.prompt_text == "What is 2+2?"
    assert (event.prompt_tokens, event.completion_tokens) == (24, 15) and event.latency_ms == 1000.0


@pytest.mark.parametrize("path", sorted(p for p in FIXTURES.iterdir() if p.suffix in (".json", ".jsonl", ".csv")), ids=lambda p: p.name)
def test_declared_missing_fields_are_really_absent(path):
    """An adapter's fields_missing is a promise `scan` relies on: no event it produced may fill one."""
    events, _, formats = read_events(path)
    adapter = ADAPTERS[formats[str(path)]]
    for event in events:
        for field in adapter.fields_missing:
            assert _get(event, field) in (None, {}, []), f"{adapter.name} declares {field} missing but filled it"
        assert _get(event, "request_id") and _get(event, "ts")


def test_every_fixture_is_named_in_source_md():
    sources = (FIXTURES / "SOURCE.md").read_text()
    for path in FIXTURES.iterdir():
        if path.name != "SOURCE.md":
            assert path.name in sources, f"{path.name} has no source in SOURCE.md"


def test_langfuse_completion_that_starts_like_json_is_kept_as_text(tmp_path):
    """Found by bench/adapters_bench.py: a model's answer beginning with '[' or '{' was rejected as broken JSON."""
    doc = json.loads((FIXTURES / "langfuse_ingestion_batch.json").read_text())
    doc["batch"][1]["body"]["output"] = "[1, 2, 3] is the list you asked for"
    (tmp_path / "lf.json").write_text(json.dumps(doc))
    (event,), sink, _ = read_events(tmp_path / "lf.json")
    assert sink.count == 0 and event.response_text == "[1, 2, 3] is the list you asked for"


@pytest.mark.parametrize("path", sorted(p for p in FIXTURES.iterdir() if p.suffix in (".json", ".jsonl", ".csv")
                                         and p.name != "openai_batch_input.jsonl"),  # no event without its output file
                         ids=lambda p: p.name)
def test_families_lost_by_declaration_are_reported_missing_by_scan(path):
    """`distillguard formats` (declared) and `scan` (observed) must tell the same story for a real sample."""
    from distillguard.adapters.evidence import Coverage, lost_by_declaration

    events, _, formats = read_events(path)
    coverage = Coverage()
    for event in events:
        coverage.observe(event)
    reported = " ".join(coverage.missing())
    for family in lost_by_declaration(ADAPTERS[formats[str(path)]].fields_missing):
        assert f"no {family.name} (" in reported


def test_formats_command_lists_every_adapter_and_its_losses():
    from typer.testing import CliRunner

    from distillguard.cli import app

    result = CliRunner().invoke(app, ["formats"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for name in ADAPTERS:
        assert name in result.output
    assert "linking by shared IP" in result.output and "logprob_extraction" in result.output


def test_langfuse_trace_with_nested_observations_charges_the_trace_user(tmp_path):
    """The shape of GET /api/public/traces/{id}: the generation's account is the trace's userId."""
    batch = json.loads((FIXTURES / "langfuse_ingestion_batch.json").read_text())["batch"]
    trace = dict(batch[0]["body"], userId="lf-user-1", observations=[dict(batch[1]["body"], type="GENERATION"),
                                                                      {"id": "span-1", "type": "SPAN", "startTime": "2025-01-16T19:28:54Z"}])
    (tmp_path / "trace.json").write_text(json.dumps(trace))
    (event,), sink, formats = read_events(tmp_path / "trace.json")
    assert set(formats.values()) == {"langfuse"} and sink.count == 0
    assert event.account_id == "lf-user-1" and event.prompt_text == "Hello!"
