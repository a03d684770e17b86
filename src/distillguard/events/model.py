"""The API event (../shared/spec/api-event.schema.json) as the pipeline sees it.

Validation happens here, at the boundary, and names the offending field so a
rejected record can be explained in one line. Parsing is hand-written rather than
pydantic because the scan must sustain tens of thousands of events per second.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

# One prompt larger than this is rejected, not stored: it is either an attack on the
# scanner or a corrupt record, and it would dominate memory either way.
MAX_PROMPT_CHARS = 1_000_000


class EventError(ValueError):
    """A record that does not follow the event schema; `field` names where."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(slots=True)
class ApiEvent:
    request_id: str
    ts: datetime
    account_id: str
    request: dict[str, Any]
    org_id: str | None = None
    api_key_id: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    endpoint: str | None = None
    model: str | None = None
    response: dict[str, Any] | None = None
    status: int | None = None
    cost_usd: float | None = None
    latency_ms: float | None = None
    account: dict[str, Any] | None = None
    raw: dict[str, Any] | None = None

    # -- what detectors read -------------------------------------------------
    @property
    def prompt_text(self) -> str:
        """The user's words: user messages of a chat body, or a completions prompt."""
        return extract_prompt(self.request)

    @property
    def system_text(self) -> str:
        return "\n".join(
            _content_text(m.get("content"))
            for m in self.request.get("messages") or ()
            if isinstance(m, dict) and m.get("role") in ("system", "developer")
        )

    @property
    def response_text(self) -> str:
        choices = (self.response or {}).get("choices") or ()
        parts = []
        for choice in choices:
            if not isinstance(choice, dict):
                continue
            message = choice.get("message")
            if isinstance(message, dict):
                parts.append(_content_text(message.get("content")))
            elif isinstance(choice.get("text"), str):
                parts.append(choice["text"])
        return "\n".join(parts)

    @property
    def prompt_tokens(self) -> int:
        usage = (self.response or {}).get("usage") or {}
        value = usage.get("prompt_tokens")
        return int(value) if isinstance(value, (int, float)) else max(1, len(self.prompt_text) // 4)

    @property
    def completion_tokens(self) -> int:
        usage = (self.response or {}).get("usage") or {}
        value = usage.get("completion_tokens")
        return int(value) if isinstance(value, (int, float)) else len(self.response_text) // 4

    def to_json(self) -> dict[str, Any]:
        """The event in the interchange format, unknown fields kept."""
        out = dict(self.raw or {})
        out.update(
            request_id=self.request_id,
            ts=self.ts.isoformat().replace("+00:00", "Z"),
            account_id=self.account_id,
            request=self.request,
            org_id=self.org_id,
            api_key_id=self.api_key_id,
            ip=self.ip,
            user_agent=self.user_agent,
            endpoint=self.endpoint,
            model=self.model,
            response=self.response,
            status=self.status,
            cost_usd=self.cost_usd,
            latency_ms=self.latency_ms,
            account=self.account,
        )
        return out


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # multi-part content: keep the text parts
        return "\n".join(p.get("text", "") for p in content if isinstance(p, dict) and isinstance(p.get("text"), str))
    return ""


def extract_prompt(request: dict[str, Any]) -> str:
    messages = request.get("messages")
    if isinstance(messages, list):
        return "\n".join(
            _content_text(m.get("content")) for m in messages if isinstance(m, dict) and m.get("role") == "user"
        )
    prompt = request.get("prompt")
    if isinstance(prompt, str):
        return prompt
    if isinstance(prompt, list):
        return "\n".join(p for p in prompt if isinstance(p, str))
    return ""


def parse_ts(value: Any, field: str = "ts") -> datetime:
    if not isinstance(value, str):
        raise EventError(field, f"expected an RFC 3339 string, got {type(value).__name__}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise EventError(field, f"not an RFC 3339 date-time: {value[:40]!r}") from None
    if parsed.tzinfo is None:
        raise EventError(field, "date-time has no timezone")
    return parsed.astimezone(timezone.utc)


def _opt_str(obj: dict, key: str) -> str | None:
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value
    raise EventError(key, f"expected string or null, got {type(value).__name__}")


def _opt_num(obj: dict, key: str) -> float | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise EventError(key, f"expected number or null, got {type(value).__name__}")
    return float(value)


_REQUEST_TYPES: dict[str, tuple[type, ...]] = {
    "max_tokens": (int,),
    "max_completion_tokens": (int,),
    "temperature": (int, float),
    "top_p": (int, float),
    "n": (int,),
    "logprobs": (bool, int),
    "top_logprobs": (int,),
    "logit_bias": (dict,),
    "seed": (int,),
    "stream": (bool,),
    "messages": (list,),
}


def parse_event(obj: Any) -> ApiEvent:
    """Validate one decoded JSON record and turn it into an ApiEvent.

    Raises EventError naming the first field that breaks the schema.
    """
    if not isinstance(obj, dict):
        raise EventError("<record>", f"expected a JSON object, got {type(obj).__name__}")
    for key in ("request_id", "account_id"):
        value = obj.get(key)
        if value is None:
            raise EventError(key, "missing")
        if not isinstance(value, str) or not value:
            raise EventError(key, "expected a non-empty string")
    if "ts" not in obj:
        raise EventError("ts", "missing")
    ts = parse_ts(obj["ts"])
    request = obj.get("request")
    if not isinstance(request, dict):
        raise EventError("request", "missing" if request is None else f"expected an object, got {type(request).__name__}")
    for key, types in _REQUEST_TYPES.items():
        value = request.get(key)
        if value is not None and (not isinstance(value, types) or (isinstance(value, bool) and bool not in types)):
            raise EventError(f"request.{key}", f"expected {'/'.join(t.__name__ for t in types)}, got {type(value).__name__}")
    prompt_chars = len(extract_prompt(request))
    if prompt_chars > MAX_PROMPT_CHARS:
        raise EventError("request", f"prompt of {prompt_chars:,} characters exceeds the {MAX_PROMPT_CHARS:,} limit")
    response = obj.get("response")
    if response is not None and not isinstance(response, dict):
        raise EventError("response", f"expected an object or null, got {type(response).__name__}")
    account = obj.get("account")
    if account is not None and not isinstance(account, dict):
        raise EventError("account", f"expected an object or null, got {type(account).__name__}")
    status = obj.get("status")
    if status is not None and (isinstance(status, bool) or not isinstance(status, int)):
        raise EventError("status", f"expected integer or null, got {type(status).__name__}")
    return ApiEvent(
        request_id=obj["request_id"],
        ts=ts,
        account_id=obj["account_id"],
        request=request,
        org_id=_opt_str(obj, "org_id"),
        api_key_id=_opt_str(obj, "api_key_id"),
        ip=_opt_str(obj, "ip"),
        user_agent=_opt_str(obj, "user_agent"),
        endpoint=_opt_str(obj, "endpoint"),
        model=_opt_str(obj, "model"),
        response=response,
        status=status,
        cost_usd=_opt_num(obj, "cost_usd"),
        latency_ms=_opt_num(obj, "latency_ms"),
        account=account,
        raw=obj,
    )
