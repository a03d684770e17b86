"""OpenTelemetry GenAI semantic conventions: OTLP/JSON span exports with `gen_ai.*` attributes.

One record is one ExportTraceServiceRequest (`resourceSpans`), as the collector's file
exporter writes per line or an OTLP/HTTP client posts. Every span that describes a model
call (a `gen_ai.operation.name` of chat / text_completion / generate_content, or a
`gen_ai.request.model`) becomes one event. Prompts and completions are read wherever the
conventions have put them over time: `gen_ai.input.messages` / `gen_ai.output.messages`
(span or event attributes), the older per-message events (`gen_ai.user.message`,
`gen_ai.choice`, ...) and the oldest indexed attributes (`gen_ai.prompt.0.content`).
"""

from __future__ import annotations

from typing import Any

import orjson

from distillguard.adapters.base import ANONYMOUS, Adapter, RecordError, chat_response, first, opt_float, opt_int, share, to_timestamp

_MODEL_CALLS = {"chat", "text_completion", "generate_content"}
_ROLE_EVENTS = {"gen_ai.system.message": "system", "gen_ai.user.message": "user", "gen_ai.assistant.message": "assistant",
                "gen_ai.tool.message": "tool"}
# Attributes that identify the caller, most specific first (semconv names, then common vendor ones).
_ACCOUNT_KEYS = ("user.id", "enduser.id", "gen_ai.request.user", "llm.user", "langfuse.user.id", "session.user_id")


def any_value(value: Any) -> Any:
    """An OTLP/JSON AnyValue ({"stringValue": ...}, {"intValue": "5"}, arrays, kvlists) as Python."""
    if not isinstance(value, dict):
        return value
    if "stringValue" in value:
        return value["stringValue"]
    if "intValue" in value:
        return opt_int(value["intValue"])
    if "doubleValue" in value:
        return opt_float(value["doubleValue"])
    if "boolValue" in value:
        return bool(value["boolValue"])
    if "arrayValue" in value:
        return [any_value(v) for v in (value["arrayValue"] or {}).get("values") or ()]
    if "kvlistValue" in value:
        return attributes((value["kvlistValue"] or {}).get("values"))
    if "bytesValue" in value:
        return value["bytesValue"]
    return None


def attributes(items: Any) -> dict[str, Any]:
    return {item["key"]: any_value(item.get("value")) for item in items or () if isinstance(item, dict) and "key" in item}


def _json_attr(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            return value
    return value


def _parts_text(message: dict) -> str:
    """Text of a semconv message: `parts` of type text, or a plain `content`."""
    parts = message.get("parts")
    if isinstance(parts, list):
        return "\n".join(str(p.get("content", "")) for p in parts if isinstance(p, dict) and p.get("type") == "text")
    content = message.get("content")
    return content if isinstance(content, str) else ""


def _messages(attrs: dict, events: list[dict]) -> tuple[list[dict] | None, str | None]:
    """(request messages, completion text) from attributes and span events."""
    inputs, outputs = attrs.get("gen_ai.input.messages"), attrs.get("gen_ai.output.messages")
    system = attrs.get("gen_ai.system_instructions")
    for event in events:  # content captured on an event instead of the span
        inputs = first(inputs, event["attrs"].get("gen_ai.input.messages"))
        outputs = first(outputs, event["attrs"].get("gen_ai.output.messages"))
        system = first(system, event["attrs"].get("gen_ai.system_instructions"))
    messages: list[dict] = []
    system = _json_attr(system)
    if isinstance(system, list):
        text = "\n".join(_parts_text({"parts": [p]}) if isinstance(p, dict) else str(p) for p in system)
        if text:
            messages.append({"role": "system", "content": text})
    inputs = _json_attr(inputs)
    if isinstance(inputs, list):
        messages.extend({"role": m.get("role", "user"), "content": _parts_text(m)} for m in inputs if isinstance(m, dict))
    completion: str | None = None
    outputs = _json_attr(outputs)
    if isinstance(outputs, list):
        completion = "\n".join(_parts_text(m) for m in outputs if isinstance(m, dict))
    if not messages:  # older conventions: one event per message
        for event in events:
            role = _ROLE_EVENTS.get(event["name"])
            body = event["attrs"].get("content", event.get("body"))
            if role and body is not None:
                body = _json_attr(body)
                text = body.get("content") if isinstance(body, dict) else body
                messages.append({"role": role, "content": text if isinstance(text, str) else ""})
    if completion is None:
        choices = []
        for event in events:
            if event["name"] == "gen_ai.choice":
                body = _json_attr(event["attrs"].get("message", event.get("body")))
                if isinstance(body, dict) and isinstance(body.get("message"), dict):
                    body = body["message"]
                text = body.get("content") if isinstance(body, dict) else body
                if isinstance(text, str):
                    choices.append(text)
        completion = "\n".join(choices) if choices else None
    if not messages:  # oldest: gen_ai.prompt.0.role / gen_ai.prompt.0.content
        index = 0
        while f"gen_ai.prompt.{index}.content" in attrs or f"gen_ai.prompt.{index}.role" in attrs:
            messages.append({"role": attrs.get(f"gen_ai.prompt.{index}.role") or "user",
                             "content": str(attrs.get(f"gen_ai.prompt.{index}.content") or "")})
            index += 1
        legacy = attrs.get("gen_ai.prompt")
        if not messages and isinstance(legacy, str):
            parsed = _json_attr(legacy)
            messages = [m for m in parsed if isinstance(m, dict)] if isinstance(parsed, list) else [{"role": "user", "content": legacy}]
    if completion is None:
        indexed = [str(attrs[f"gen_ai.completion.{i}.content"]) for i in range(16) if f"gen_ai.completion.{i}.content" in attrs]
        completion = "\n".join(indexed) if indexed else (attrs.get("gen_ai.completion") if isinstance(attrs.get("gen_ai.completion"), str) else None)
    return (messages or None), completion


def _is_model_call(attrs: dict) -> bool:
    operation = attrs.get("gen_ai.operation.name")
    return operation in _MODEL_CALLS or (operation is None and "gen_ai.request.model" in attrs)


def spans_of(record: Any) -> list[tuple[dict, dict]]:
    """(resource attributes, span) for every span of an ExportTraceServiceRequest."""
    if not isinstance(record, dict):
        raise RecordError("<record>", f"expected an OTLP/JSON object, got {type(record).__name__}")
    resource_spans = first(record.get("resourceSpans"), record.get("resource_spans"))
    if not isinstance(resource_spans, list):
        raise RecordError("resourceSpans", "missing")
    out = []
    for resource_span in resource_spans:
        if not isinstance(resource_span, dict):
            continue
        resource = attributes((resource_span.get("resource") or {}).get("attributes"))
        for scope in first(resource_span.get("scopeSpans"), resource_span.get("scope_spans")) or ():
            for span in (scope or {}).get("spans") or ():
                if isinstance(span, dict):
                    out.append((resource, span))
    return out


def span_to_event(resource: dict, span: dict) -> dict[str, Any] | None:
    """The API event of one GenAI span, or None for a span that is not a model call."""
    attrs = attributes(span.get("attributes"))
    if not _is_model_call(attrs):
        return None
    events = [{"name": e.get("name", ""), "attrs": attributes(e.get("attributes")), "body": any_value(e.get("body"))}
              for e in span.get("events") or () if isinstance(e, dict)]
    messages, completion = _messages(attrs, events)
    request: dict[str, Any] = {"messages": messages} if messages else {}
    for key, target, convert in (("gen_ai.request.max_tokens", "max_tokens", opt_int), ("gen_ai.request.temperature", "temperature", opt_float),
                                 ("gen_ai.request.top_p", "top_p", opt_float), ("gen_ai.request.seed", "seed", opt_int),
                                 ("gen_ai.request.choice.count", "n", opt_int)):
        value = convert(attrs.get(key))
        if value is not None:
            request[target] = value
    start, end = opt_int(span.get("startTimeUnixNano")), opt_int(span.get("endTimeUnixNano"))
    if not start:
        raise RecordError("startTimeUnixNano", "missing")
    account = first(*(attrs.get(k) for k in _ACCOUNT_KEYS), *(resource.get(k) for k in _ACCOUNT_KEYS), ANONYMOUS)
    failed = (span.get("status") or {}).get("code") in (2, "STATUS_CODE_ERROR") or "error.type" in attrs
    request_id = first(attrs.get("gen_ai.response.id"), f"{span.get('traceId', '')}:{span.get('spanId', '')}".strip(":"))
    if not request_id:
        raise RecordError("spanId", "missing")
    operation = attrs.get("gen_ai.operation.name")
    return {
        "request_id": str(request_id),
        "ts": to_timestamp(start, "startTimeUnixNano"),
        "latency_ms": round((end - start) / 1e6, 3) if end and end >= start else None,
        "account_id": str(account),
        "ip": first(attrs.get("client.address"), resource.get("client.address")),
        "user_agent": first(attrs.get("user_agent.original"), resource.get("user_agent.original")),
        "model": first(attrs.get("gen_ai.request.model"), attrs.get("gen_ai.response.model")),
        "endpoint": "/v1/completions" if operation == "text_completion" else "/v1/chat/completions",
        "request": request,
        "response": chat_response(completion, attrs.get("gen_ai.usage.input_tokens", attrs.get("gen_ai.usage.prompt_tokens")),
                                  attrs.get("gen_ai.usage.output_tokens", attrs.get("gen_ai.usage.completion_tokens"))),
        "status": 500 if failed else 200,
        "cost_usd": opt_float(first(attrs.get("gen_ai.usage.cost"), attrs.get("gen_ai.usage.cost_usd"))),
    }


class OtlpGenAIAdapter(Adapter):
    name = "otlp-json"
    title = "OpenTelemetry GenAI spans (OTLP/JSON export)"
    fields_filled = ("request_id", "ts", "account_id", "ip", "user_agent", "model", "endpoint", "request", "response", "status",
                     "latency_ms")
    fields_missing = ("org_id", "api_key_id", "cost_usd", "request.logprobs", "request.top_logprobs", "request.logit_bias",
                      "account.payment_fingerprint",
                      "account.created_at", "account.email_domain")
    requires = "resourceSpans with spans carrying gen_ai.operation.name or gen_ai.request.model, and startTimeUnixNano"

    def detect(self, sample: list[Any]) -> float:
        return share(sample, lambda r: isinstance(first(r.get("resourceSpans"), r.get("resource_spans")), list))

    def to_events(self, record: Any):
        for resource, span in spans_of(record):
            try:
                event = span_to_event(resource, span)
            except RecordError as exc:  # one bad span is one reject, not the whole export
                yield exc
                continue
            if event is not None:
                yield event

