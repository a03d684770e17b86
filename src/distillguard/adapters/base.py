"""The contract every source format follows, and the helpers adapters share.

An adapter turns records of someone else's log (a LiteLLM payload, an OTLP span export,
a Helicone row, ...) into API events (../shared/spec/api-event.schema.json). It says how
sure it is that a sample is its format (`detect`), which event fields the format can
fill and which it never carries (`fields_filled`, `fields_missing`), and converts one
record into zero or more event dicts (`to_events`). Validation stays in
events.model.parse_event, so an adapted event is held to the same schema as a native one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from typing import Any, ClassVar

import orjson

# The account an event is charged to when the source format names nobody. Scans say how
# many events fell back to it, because every per-account detector then sees one crowd.
ANONYMOUS = "anonymous"


class RecordError(ValueError):
    """A record of the source format that cannot become an event; `field` names where."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class Adapter:
    """One source format. Subclasses set the class attributes and implement the two methods."""

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""  # what a person calls it, for notes and --help
    fields_filled: ClassVar[tuple[str, ...]] = ()
    fields_missing: ClassVar[tuple[str, ...]] = ()
    requires: ClassVar[str] = ""  # the source fields a record must have, in words, for error messages

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        self.options = options or {}

    def detect(self, sample: list[Any]) -> float:
        """Confidence in [0, 1] that these decoded records are this format."""
        raise NotImplementedError

    def to_events(self, record: Any) -> Iterable[dict[str, Any]]:
        """The API events (dicts) one record holds; raises RecordError for an unusable record."""
        raise NotImplementedError

    def prepare(self, records_by_file: Iterator[tuple[str, Iterator[Any]]]) -> None:
        """A first pass over all inputs, for formats that join records across files (optional)."""


# -- small conversions the formats share ------------------------------------------------

def share(sample: list[Any], test) -> float:
    """Fraction of dict records in `sample` for which `test(record)` holds."""
    records = [r for r in sample if isinstance(r, dict)]
    return sum(1 for r in records if test(r)) / len(records) if records else 0.0


def as_json(value: Any, field: str) -> Any:
    """A column that may hold JSON text (CSV exports, spend-log columns) decoded once."""
    if isinstance(value, (bytes, str)):
        text = value.strip() if isinstance(value, str) else value.strip().decode("utf-8", "replace")
        if not text or text in ("None", "null"):
            return None
        if text[0] in "[{":
            try:
                return orjson.loads(text)
            except orjson.JSONDecodeError:
                raise RecordError(field, "column holds text that starts like JSON but does not parse") from None
        return text
    return value


def maybe_json(value: Any) -> Any:
    """Free text (a prompt, a completion) that an export may have stored as JSON text: decoded when it
    parses, kept as the text it is when it does not (a completion may well start with '{')."""
    try:
        return as_json(value, "")
    except RecordError:
        return value


def to_timestamp(value: Any, field: str) -> str:
    """RFC 3339 (UTC) from an ISO string, a naive 'YYYY-MM-DD HH:MM:SS' (read as UTC), epoch
    seconds, milliseconds or nanoseconds (numbers or digit strings)."""
    if value is None or value == "":
        raise RecordError(field, "missing")
    if isinstance(value, str) and value.strip().lstrip("-").replace(".", "", 1).isdigit():
        value = float(value)
    if isinstance(value, bool):
        raise RecordError(field, "expected a time, got a boolean")
    if isinstance(value, (int, float)):
        seconds = float(value)
        while abs(seconds) > 1e11:  # milliseconds, microseconds or nanoseconds since the epoch
            seconds /= 1000.0
        return datetime.fromtimestamp(seconds, tz=timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        text = value.strip()
        for suffix in (" UTC", " GMT", "UTC"):  # BigQuery / warehouse exports spell the zone out
            if text.endswith(suffix):
                text = text[: -len(suffix)].strip() + "+00:00"
                break
        text = text.replace("Z", "+00:00")
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise RecordError(field, f"not a date-time: {value[:40]!r}") from None
    else:
        raise RecordError(field, f"expected a time, got {type(value).__name__}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def seconds_between(start: Any, end: Any) -> float | None:
    try:
        a = datetime.fromisoformat(to_timestamp(start, "start").replace("Z", "+00:00"))
        b = datetime.fromisoformat(to_timestamp(end, "end").replace("Z", "+00:00"))
    except RecordError:
        return None
    return (b - a).total_seconds()


def first(*values: Any) -> Any:
    """The first value that is neither None nor an empty string."""
    for value in values:
        if value is not None and value != "":
            return value
    return None


def opt_int(value: Any) -> int | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number == int(number) else None


def opt_float(value: Any) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def opt_bool(value: Any) -> bool | None:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "1", "yes"):
            return True
        if lowered in ("false", "0", "no", ""):
            return False
    if isinstance(value, (int, float)):
        return bool(value)
    return None


# Sampling parameters the detectors read, with the type the event schema wants.
SAMPLING_PARAMS: dict[str, Any] = {
    "max_tokens": opt_int, "max_completion_tokens": opt_int, "temperature": opt_float, "top_p": opt_float,
    "n": opt_int, "logprobs": opt_bool, "top_logprobs": opt_int, "seed": opt_int, "stream": opt_bool,
}


def sampling_params(params: Any) -> dict[str, Any]:
    """The schema's request parameters out of a parameter map, typed; unknown keys dropped."""
    if not isinstance(params, dict):
        return {}
    out: dict[str, Any] = {}
    for key, convert in SAMPLING_PARAMS.items():
        value = convert(params.get(key))
        if value is not None:
            out[key] = value
    bias = params.get("logit_bias")
    if isinstance(bias, str):
        bias = as_json(bias, "logit_bias")
    if isinstance(bias, dict) and bias:
        out["logit_bias"] = bias
    return out


def request_from_body(body: dict[str, Any]) -> dict[str, Any]:
    """The event's request from an OpenAI-shaped request body: messages or prompt, typed parameters, tools."""
    request: dict[str, Any] = {}
    if isinstance(body.get("messages"), list):
        request["messages"] = body["messages"]
    elif body.get("prompt") is not None:
        request["prompt"] = body["prompt"]
    request.update(sampling_params(body))
    for key in ("tools", "response_format"):
        if body.get(key) is not None:
            request[key] = body[key]
    return request


def chat_response(text: str | None, prompt_tokens: Any = None, completion_tokens: Any = None) -> dict[str, Any] | None:
    """An OpenAI-shaped response body from a completion text and token counts."""
    usage = {}
    if opt_int(prompt_tokens) is not None:
        usage["prompt_tokens"] = opt_int(prompt_tokens)
    if opt_int(completion_tokens) is not None:
        usage["completion_tokens"] = opt_int(completion_tokens)
    if text is None and not usage:
        return None
    body: dict[str, Any] = {"choices": [{"index": 0, "message": {"role": "assistant", "content": text or ""}}] if text is not None else []}
    if usage:
        body["usage"] = usage
    return body


def messages_from(value: Any) -> list[dict[str, Any]] | None:
    """Chat messages from a list of messages, {"messages": [...]}, or a bare prompt string."""
    if isinstance(value, dict) and isinstance(value.get("messages"), list):
        value = value["messages"]
    elif isinstance(value, dict) and "role" in value:  # one message logged on its own
        value = [value]
    if isinstance(value, list):
        out = [m for m in value if isinstance(m, dict) and "role" in m]
        return out if out else None
    if isinstance(value, str) and value:
        return [{"role": "user", "content": value}]
    return None


def text_of(value: Any) -> str | None:
    """The assistant text of an output that may be a string, a message, or a response body."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if isinstance(value.get("choices"), list):
            parts = []
            for choice in value["choices"]:
                if isinstance(choice, dict):
                    message = choice.get("message")
                    parts.append(text_of(message.get("content")) if isinstance(message, dict) else choice.get("text") or "")
            return "\n".join(p for p in parts if p)
        if "content" in value:
            return text_of(value["content"])
        if isinstance(value.get("text"), str):
            return value["text"]
        return None
    if isinstance(value, list):
        parts = [text_of(item) for item in value]
        return "\n".join(p for p in parts if p) or None
    return None


def endpoint_for(messages: Any) -> str:
    return "/v1/chat/completions" if messages is not None else "/v1/completions"
