"""The API event (../shared/spec/api-event.schema.json) as the pipeline sees it.

Validation happens here, at the boundary, and names the offending field so a
rejected record can be explained in one line. Parsing is hand-written rather than
pydantic because the scan must sustain tens of thousands of events per second.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
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
    # The texts below are read by validation, features, the store and coverage (three to five
    # times per event): each is extracted once. An event's request and response are not changed
    # after it is built.
    _prompt: str | None = field(default=None, init=False, repr=False, compare=False)
    _system: str | None = field(default=None, init=False, repr=False, compare=False)
    _response: str | None = field(default=None, init=False, repr=False, compare=False)

    # -- what detectors read -------------------------------------------------
    @property
    def prompt_text(self) -> str:
        """The user's words: user messages of a chat body, or a completions prompt."""
        text = self._prompt
        if text is None:
            text = self._prompt = extract_prompt(self.request)
        return text

    @property
    def system_text(self) -> str:
        text = self._system
        if text is None:
            parts = []
            for m in self.request.get("messages") or ():
                if isinstance(m, dict) and m.get("role") in _SYSTEM_ROLES:
                    parts.append(_content_text(m.get("content")))
            text = self._system = "\n".join(parts)
        return text

    @property
    def response_text(self) -> str:
        text = self._response
        if text is not None:
            return text
        choices = (self.response or {}).get("choices") or ()
        if type(choices) is list and len(choices) == 1:  # the usual answer: one choice with a message of text
            message = choices[0].get("message") if type(choices[0]) is dict else None
            content = message.get("content") if type(message) is dict else None
            if type(content) is str:
                self._response = content
                return content
        parts = []
        for choice in choices:
            if not isinstance(choice, dict):
                continue
            message = choice.get("message")
            if isinstance(message, dict):
                parts.append(_content_text(message.get("content")))
            elif isinstance(choice.get("text"), str):
                parts.append(choice["text"])
        text = self._response = "\n".join(parts)
        return text

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


_SYSTEM_ROLES = ("system", "developer")


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # multi-part content: keep the text parts
        return "\n".join(p.get("text", "") for p in content if isinstance(p, dict) and isinstance(p.get("text"), str))
    return ""


def extract_prompt(request: dict[str, Any]) -> str:
    messages = request.get("messages")
    if isinstance(messages, list):
        parts = []
        for m in messages:
            if isinstance(m, dict) and m.get("role") == "user":
                content = m.get("content")
                parts.append(content if type(content) is str else _content_text(content))
        return parts[0] if len(parts) == 1 else "\n".join(parts)
    prompt = request.get("prompt")
    if isinstance(prompt, str):
        return prompt
    if isinstance(prompt, list):
        return "\n".join(p for p in prompt if isinstance(p, str))
    return ""


# Bounds match what the store and the features can hold: INT32 columns, finite doubles, and
# timestamps whose UTC conversion cannot overflow. A value outside them is a reject, not a crash.
INT32_MAX = 2**31 - 1
NUMBER_LIMIT = 1e15
TS_MIN = datetime(1990, 1, 1, tzinfo=timezone.utc)
TS_MAX = datetime(2200, 1, 1, tzinfo=timezone.utc)


def parse_ts(value: Any, field: str = "ts") -> datetime:
    if not isinstance(value, str):
        raise EventError(field, f"expected an RFC 3339 string, got {type(value).__name__}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise EventError(field, f"not an RFC 3339 date-time: {value[:40]!r}") from None
    if parsed.tzinfo is None:
        raise EventError(field, "date-time has no timezone")
    try:
        utc = parsed.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        raise EventError(field, f"date-time out of range: {value[:40]!r}") from None
    if not TS_MIN <= utc < TS_MAX:
        raise EventError(field, f"date-time {value[:40]!r} outside {TS_MIN.year}-{TS_MAX.year}")
    return utc


def _opt_str(obj: dict, key: str, prefix: str = "") -> str | None:
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value
    raise EventError(prefix + key, f"expected string or null, got {type(value).__name__}")


def _opt_bounded(obj: dict, key: str, prefix: str, integer: bool, low: float, high: float) -> float | int | None:
    value = obj.get(key)
    if value is None:
        return None
    kind = "integer" if integer else "number"
    if isinstance(value, bool) or not isinstance(value, int if integer else (int, float)):
        raise EventError(prefix + key, f"expected {kind} or null, got {type(value).__name__}")
    if not low <= value <= high:
        raise EventError(prefix + key, f"{value!r} is outside {low:,}..{high:,}" if integer else f"{value!r} is outside ±{high:g}")
    return value if integer else float(value)


def _opt_num(obj: dict, key: str, prefix: str = "") -> float | None:
    return _opt_bounded(obj, key, prefix, False, -NUMBER_LIMIT, NUMBER_LIMIT)


def _opt_int(obj: dict, key: str, prefix: str = "", low: int = -INT32_MAX - 1, high: int = INT32_MAX) -> int | None:
    return _opt_bounded(obj, key, prefix, True, low, high)


def _opt_obj(obj: dict, key: str, prefix: str = "") -> dict | None:
    value = obj.get(key)
    if value is None or isinstance(value, dict):
        return value
    raise EventError(prefix + key, f"expected an object or null, got {type(value).__name__}")


# request fields the features read, with their JSON types and bounds (None: no bound)
_REQUEST_INTS = {"max_tokens": (0, INT32_MAX), "max_completion_tokens": (0, INT32_MAX), "n": (0, 1_000_000),
                 "top_logprobs": (0, 1_000_000), "seed": (-(2**63), 2**64 - 1)}
_REQUEST_NUMBERS = ("temperature", "top_p")


def _check_request(request: dict) -> None:
    # Fast path per key: a value of the exact expected type within bounds passes; anything else
    # takes the general check, which raises the error naming the field (keys in the same order).
    get = request.get
    for key, (low, high) in _REQUEST_INTS.items():
        value = get(key)
        if value is not None and (type(value) is not int or not low <= value <= high):
            _opt_int(request, key, "request.", low, high)
    for key in _REQUEST_NUMBERS:
        value = get(key)
        if value is not None and ((type(value) is not float and type(value) is not int) or not -NUMBER_LIMIT <= value <= NUMBER_LIMIT):
            _opt_num(request, key, "request.")
    logprobs = get("logprobs")
    if logprobs is not None and not isinstance(logprobs, (bool, int)):
        raise EventError("request.logprobs", f"expected boolean/integer, got {type(logprobs).__name__}")
    stream = get("stream")
    if stream is not None and not isinstance(stream, bool):
        raise EventError("request.stream", f"expected bool, got {type(stream).__name__}")
    bias = get("logit_bias")
    if bias is not None and type(bias) is not dict:
        _opt_obj(request, "logit_bias", "request.")
    if bias:
        for token, weight in bias.items():
            if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not -NUMBER_LIMIT <= weight <= NUMBER_LIMIT:
                raise EventError("request.logit_bias", f"weight of token {token[:20]!r} is not a bounded number")
    messages = get("messages")
    if messages is not None and not isinstance(messages, list):
        raise EventError("request.messages", f"expected list, got {type(messages).__name__}")


def _check_response(response: dict) -> None:
    choices = response.get("choices")
    if choices is not None and not isinstance(choices, list):
        raise EventError("response.choices", f"expected an array or null, got {type(choices).__name__}")
    usage = _opt_obj(response, "usage", "response.")
    if usage is not None:
        for key in ("prompt_tokens", "completion_tokens"):
            value = usage.get(key)
            if value is None or (type(value) is int and 0 <= value <= INT32_MAX):
                continue
            if isinstance(value, float) and value.is_integer():  # some gateways log 12.0
                usage[key] = value = int(value)
            _opt_int(usage, key, "response.usage.", 0, INT32_MAX)


_ACCOUNT_STRINGS = ("payment_fingerprint", "email_domain", "country", "tier")


@lru_cache(maxsize=65536)
def _created_overflows(created: str) -> bool:
    """A created_at whose conversion overflows (unparsable or naive values are ignored by the features)."""
    try:
        parsed = datetime.fromisoformat(created)
    except ValueError:
        return False
    try:
        if parsed.tzinfo is not None:
            parsed.astimezone(timezone.utc)
        parsed.timestamp()
    except (OverflowError, ValueError, OSError):
        return True
    return False


def _check_account(account: dict) -> None:
    get = account.get
    for key in _ACCOUNT_STRINGS:
        value = get(key)
        if value is not None and type(value) is not str:
            _opt_str(account, key, "account.")
    created = _opt_str(account, "created_at", "account.")
    # Unparsable or naive values were always ignored by the features (a gateway's key file may
    # hold them); only values whose conversion overflows are refused, as they crashed the scan.
    if created is not None and _created_overflows(created):
        raise EventError("account.created_at", f"date-time out of range: {created[:40]!r}")


_OPTIONAL_STRINGS = ("org_id", "api_key_id", "ip", "user_agent", "endpoint", "model")


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
    _check_request(request)
    prompt = extract_prompt(request)
    if len(prompt) > MAX_PROMPT_CHARS:
        raise EventError("request", f"prompt of {len(prompt):,} characters exceeds the {MAX_PROMPT_CHARS:,} limit")
    response = obj.get("response")
    if response is not None:
        if type(response) is not dict:
            _opt_obj(obj, "response")
        _check_response(response)
    account = obj.get("account")
    if account is not None:
        if type(account) is not dict:
            _opt_obj(obj, "account")
        _check_account(account)
    status = obj.get("status")
    if status is not None and (type(status) is not int or not 0 <= status <= 999):
        status = _opt_int(obj, "status", low=0, high=999)
    get = obj.get
    org_id, api_key_id, ip, user_agent, endpoint, model = strings = (
        get("org_id"), get("api_key_id"), get("ip"), get("user_agent"), get("endpoint"), get("model"))  # _OPTIONAL_STRINGS
    for key, value in zip(_OPTIONAL_STRINGS, strings):
        if value is not None and type(value) is not str:
            _opt_str(obj, key)
    cost = get("cost_usd")  # fast path: a float within bounds is what _opt_num returns for it
    if cost is not None and (type(cost) is not float or not -NUMBER_LIMIT <= cost <= NUMBER_LIMIT):
        cost = _opt_num(obj, "cost_usd")
    latency = get("latency_ms")
    if latency is not None and (type(latency) is not float or not -NUMBER_LIMIT <= latency <= NUMBER_LIMIT):
        latency = _opt_num(obj, "latency_ms")
    event = ApiEvent(obj["request_id"], ts, obj["account_id"], request, org_id, api_key_id, ip, user_agent, endpoint, model,
                     response, status, cost, latency, account, obj)
    event._prompt = prompt
    return event
