"""Live feeds: the OTLP/HTTP receiver (`distillguard collect`) and the LiteLLM feed callback."""

from __future__ import annotations

import asyncio
import gzip
import json
import stat
import threading
import urllib.error
import urllib.request

import pytest

from tests.adapters.conftest import FIXTURES


@pytest.fixture
def receiver(tmp_path):
    from distillguard.adapters.collect import make_server
    from distillguard.adapters.sinks import EventSink

    sink = EventSink(tmp_path / "events.jsonl")
    server = make_server(sink, port=0, token="s3cret")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, tmp_path / "events.jsonl"
    server.shutdown()
    sink.close()


def _post(server, body: bytes, content_type="application/json", token="s3cret", encoding=None):
    headers = {"Content-Type": content_type, "Authorization": f"Bearer {token}"}
    if encoding:
        headers["Content-Encoding"] = encoding
    request = urllib.request.Request(f"http://127.0.0.1:{server.server_address[1]}/v1/traces", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_collect_writes_genai_spans_as_events_that_scan_reads(receiver, tmp_path):
    from distillguard.pipeline import scan

    server, out = receiver
    first, second = (FIXTURES / "otel_genai_semconv.jsonl").read_bytes().splitlines()
    assert _post(server, first) == (200, {})
    assert _post(server, gzip.compress(second), encoding="gzip") == (200, {})
    events = [json.loads(line) for line in out.read_text().splitlines()]
    assert [e["request_id"][-1] for e in events] == ["l", "m"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # it holds prompts
    result = scan(out, input_format="auto")
    assert result.stats["formats"] == {str(out): "api-event"} and result.stats["events"] == 2


def test_collect_refuses_protobuf_bad_tokens_and_reports_rejected_spans(receiver):
    server, out = receiver
    body = (FIXTURES / "otel_genai_semconv.jsonl").read_bytes().splitlines()[0]
    status, answer = _post(server, body, content_type="text/plain")
    assert status == 415 and "application/x-protobuf" in answer["error"]
    status, answer = _post(server, b"\xff\xff\xff", content_type="application/x-protobuf")
    assert status == 400 and "not an OTLP/protobuf" in answer["error"]
    assert _post(server, body, token="wrong")[0] == 401
    doc = json.loads(body)
    del doc["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["startTimeUnixNano"]
    status, answer = _post(server, json.dumps(doc).encode())
    assert status == 200 and answer["partialSuccess"]["rejectedSpans"] == "1"
    assert "startTimeUnixNano" in answer["partialSuccess"]["errorMessage"]
    assert not out.exists() or out.read_text() == ""


class _Bus:
    def __init__(self):
        self.published = []

    def publish(self, events):
        self.published.extend(events)
        return len(events)

    def close(self):
        pass


def test_litellm_feed_writes_jsonl_and_publishes_to_the_bus(tmp_path):
    from distillguard.adapters.sinks import EventSink
    from distillguard.gateway.litellm_feed import DistillGuardFeed

    sink = EventSink(tmp_path / "feed.jsonl")
    sink.bus = _Bus()
    feed = DistillGuardFeed(sink=sink)
    payload = json.loads((FIXTURES / "litellm_standard_logging_payload.jsonl").read_text())
    payload["metadata"]["user_api_key_user_id"] = "user-7"
    payload["startTime"], payload["endTime"] = 1737710446.847371, 1737710446.851954  # live callbacks pass epoch floats
    asyncio.run(feed.async_log_success_event({"standard_logging_object": payload}, None, None, None))
    feed.log_success_event({"no": "payload"}, None, None, None)
    (event,) = [json.loads(line) for line in (tmp_path / "feed.jsonl").read_text().splitlines()]
    assert event["account_id"] == "user-7" and event["ts"].startswith("2025-01-24T09:20:46")
    assert sink.bus.published == [event]
    assert (feed.written, feed.dropped) == (1, 1) and "standard_logging_object" in feed.last_error


def test_collect_receives_spans_from_the_real_opentelemetry_sdk_exporter(receiver):
    """The OTel Python SDK's OTLP/HTTP exporter (protobuf, its default) posting GenAI spans to `collect`."""
    pytest.importorskip("opentelemetry.exporter.otlp.proto.http", reason="needs the dev extra (opentelemetry SDK exporter)")
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor

    server, out = receiver
    provider = TracerProvider(resource=Resource.create({"service.name": "chat-api"}))
    exporter = OTLPSpanExporter(endpoint=f"http://127.0.0.1:{server.server_address[1]}/v1/traces", headers={"Authorization": "Bearer s3cret"})
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span("chat gpt-4o-mini", attributes={
            "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o-mini", "gen_ai.request.max_tokens": 64,
            "gen_ai.usage.input_tokens": 12, "gen_ai.usage.output_tokens": 3, "user.id": "acct-42", "client.address": "203.0.113.5",
            "gen_ai.input.messages": json.dumps([{"role": "user", "parts": [{"type": "text", "content": "name three colours"}]}]),
            "gen_ai.output.messages": json.dumps([{"role": "assistant", "parts": [{"type": "text", "content": "red, green, blue"}]}])}):
        pass
    with tracer.start_as_current_span("db query"):  # not a model call: no event
        pass
    provider.shutdown()
    (event,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert event["account_id"] == "acct-42" and event["ip"] == "203.0.113.5" and event["request"]["max_tokens"] == 64
    assert event["request"]["messages"] == [{"role": "user", "content": "name three colours"}]
    assert event["response"]["choices"][0]["message"]["content"] == "red, green, blue"
    assert event["response"]["usage"] == {"prompt_tokens": 12, "completion_tokens": 3}
    assert len(event["request_id"].split(":")[0]) == 32  # trace id in hex, as OTLP/JSON writes it
