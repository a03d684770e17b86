"""`distillguard collect`: an OTLP/HTTP receiver for GenAI spans, writing API events.

Point an OpenTelemetry collector's `otlphttp` exporter (with `encoding: json`) at it, or an
SDK's OTLP/HTTP JSON exporter: every model-call span becomes one API event in a JSONL file
and/or on the event bus, converted by the same adapter `scan --format otlp-json` uses.
Protobuf bodies are refused with 415 and a message saying to switch the encoding.
"""

from __future__ import annotations

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
            if "json" not in (self.headers.get("Content-Type") or ""):
                return self._answer(415, {"error": "send OTLP/JSON (Content-Type: application/json); in a collector's "
                                                   "otlphttp exporter set `encoding: json`"})
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
                payload = orjson.loads(body)
                events, rejected, reason = convert_export(payload)
            except (OSError, EOFError, zlib.error, orjson.JSONDecodeError) as exc:
                return self._answer(400, {"error": f"undecodable body: {str(exc).splitlines()[0][:200]}"})
            except RecordError as exc:
                return self._answer(400, {"error": str(exc)})
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
    server.accepted = 0  # type: ignore[attr-defined]
    server.rejected = 0  # type: ignore[attr-defined]
    return server
