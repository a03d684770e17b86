"""`distillguard collect`: an OTLP/HTTP receiver for GenAI spans, writing API events.

Point an OpenTelemetry collector's `otlphttp` exporter, or an SDK's OTLP/HTTP exporter, at
it: every model-call span becomes one API event in a JSONL file and/or on the event bus,
converted by the same adapter `scan --format otlp-json` uses. Bodies may be OTLP/JSON or
OTLP/protobuf (the SDKs' default; decoding it needs `opentelemetry-proto`, in the `engines`
extra), gzip-compressed or not.
"""

from __future__ import annotations

import base64
import gzip
import hmac
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson

from distillguard.adapters.base import RecordError
from distillguard.adapters.otel import span_to_event, spans_of
from distillguard.adapters.sinks import EventSink
from distillguard.events.model import EventError, parse_event

MAX_BODY_BYTES = 16 * 1024 * 1024


def convert_export(payload: Any) -> tuple[list[dict[str, Any]], int, str]:
    """(valid API events, rejected span count, first reason) of one ExportTraceServiceRequest."""
    events, rejected, reason = [], 0, ""
    for resource, span in spans_of(payload):
        try:
            event = span_to_event(resource, span)
            if event is None:
                continue
            parse_event(event)  # the same schema check as a scan
        except (RecordError, EventError) as exc:
            rejected += 1
            reason = reason or str(exc)
            continue
        events.append(event)
    return events, rejected, reason


def decode_protobuf(body: bytes) -> dict[str, Any]:
    """An OTLP/protobuf ExportTraceServiceRequest as the OTLP/JSON dict the converter reads (ids in hex)."""
    from google.protobuf.json_format import MessageToDict
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    message = ExportTraceServiceRequest()
    try:
        message.ParseFromString(body)
    except Exception as exc:  # protobuf's DecodeError is no ValueError
        raise ValueError(f"not an OTLP/protobuf ExportTraceServiceRequest ({exc})") from None
    payload = MessageToDict(message)
    for resource_span in payload.get("resourceSpans") or ():
        for scope in resource_span.get("scopeSpans") or ():
            for span in scope.get("spans") or ():
                for key in ("traceId", "spanId", "parentSpanId"):
                    if span.get(key):  # protobuf JSON mapping writes bytes as base64; OTLP/JSON uses hex
                        span[key] = base64.b64decode(span[key]).hex()
    return payload


def make_server(sink: EventSink, host: str = "127.0.0.1", port: int = 4318, token: str | None = None) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = orjson.dumps(body)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            if self.path.split("?")[0] != "/v1/traces":
                return self._answer(404, {"error": "only POST /v1/traces is served"})
            if token and not hmac.compare_digest(self.headers.get("Authorization", ""), f"Bearer {token}"):
                return self._answer(401, {"error": "missing or wrong bearer token"})
            content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if content_type not in ("application/json", "application/x-protobuf"):
                return self._answer(415, {"error": "send OTLP/JSON (application/json) or OTLP/protobuf (application/x-protobuf)"})
            if content_type == "application/x-protobuf" and not _protobuf_available():
                return self._answer(415, {"error": "OTLP/protobuf needs opentelemetry-proto (pip install 'distillguard[engines]'); "
                                                   "or send JSON (a collector's otlphttp exporter: `encoding: json`)"})
            length = int(self.headers.get("Content-Length") or 0)
            if length <= 0 or length > MAX_BODY_BYTES:
                return self._answer(413 if length > MAX_BODY_BYTES else 400, {"error": f"body must be 1 to {MAX_BODY_BYTES} bytes"})
            body = self.rfile.read(length)
            encoding = (self.headers.get("Content-Encoding") or "").lower()
            try:
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "deflate":
                    body = zlib.decompress(body)
                payload = decode_protobuf(body) if content_type == "application/x-protobuf" else orjson.loads(body)
                events, rejected, reason = convert_export(payload)
            except RecordError as exc:
                return self._answer(400, {"error": str(exc)})
            except (OSError, EOFError, zlib.error, ValueError) as exc:  # JSONDecodeError is a ValueError
                return self._answer(400, {"error": f"undecodable body: {str(exc).splitlines()[0][:200]}"})
            try:
                sink.write(events)
            except Exception as exc:  # the bus or the disk: tell the exporter to retry, never drop silently
                return self._answer(503, {"error": f"could not store events: {type(exc).__name__}"})
            self.server.accepted += len(events)  # type: ignore[attr-defined]
            self.server.rejected += rejected  # type: ignore[attr-defined]
            answer: dict[str, Any] = {}
            if rejected:
                answer = {"partialSuccess": {"rejectedSpans": str(rejected), "errorMessage": reason[:500]}}
            return self._answer(200, answer)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    server.accepted = 0  # type: ignore[attr-defined]
    server.rejected = 0  # type: ignore[attr-defined]
    return server


def _protobuf_available() -> bool:
    try:
        import google.protobuf  # noqa: F401
        import opentelemetry.proto.collector.trace.v1.trace_service_pb2  # noqa: F401
    except ImportError:
        return False
    return True
