"""Any table (CSV, or flat JSONL/Parquet rows) with a column mapping given in YAML.

The mapping names, for each event field, the column that holds it:

    request_id: req_id          # required
    ts: created_at              # required; ISO 8601, or epoch seconds/ms
    account_id: customer        # required
    prompt: prompt_text         # the user's words (or `messages`: a column of JSON chat messages)
    response: completion_text
    model: model
    ip: client_ip
    ...

Without a mapping file, columns that already carry the event field names are used as is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from distillguard.adapters.base import (Adapter, RecordError, as_json, chat_response, opt_bool, opt_float, opt_int, share,
                                        to_timestamp)

REQUIRED = ("request_id", "ts", "account_id")
_TOP = {"org_id": str, "api_key_id": str, "ip": str, "user_agent": str, "endpoint": str, "model": str, "status": opt_int,
        "cost_usd": opt_float, "latency_ms": opt_float}
_PARAMS = {"max_tokens": opt_int, "temperature": opt_float, "top_p": opt_float, "n": opt_int, "logprobs": opt_bool,
           "top_logprobs": opt_int, "seed": opt_int}
_ACCOUNT = ("payment_fingerprint", "email_domain", "country", "tier")
FIELDS = (*REQUIRED, "prompt", "messages", "system", "response", "prompt_tokens", "completion_tokens", "logit_bias",
          "account_created_at", *_TOP, *_PARAMS, *_ACCOUNT)


def load_mapping(path: str | Path | None) -> dict[str, str]:
    """The field -> column map of a YAML file, checked: unknown fields are an error with the known list."""
    if path is None:
        return {}
    try:
        data = yaml.safe_load(Path(path).read_text()) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read the column mapping ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValueError(f"{path}: expected a YAML mapping of event field: column name")
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ValueError(f"{path}: unknown event field(s) {', '.join(unknown)}; known: {', '.join(FIELDS)}")
    return {str(k): v for k, v in data.items()}


class MappedTableAdapter(Adapter):
    name = "csv"
    title = "CSV (or flat rows) with a column mapping in YAML (--mapping)"
    fields_filled = FIELDS
    fields_missing = ()
    requires = "the columns mapped to request_id, ts and account_id, and a prompt or messages column"

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)
        self.mapping = load_mapping(self.options.get("mapping"))

    def column(self, field: str) -> str:
        return self.mapping.get(field, field)

    def detect(self, sample: list[Any]) -> float:
        columns = [self.column(f) for f in REQUIRED]
        has_text = lambda r: self.column("prompt") in r or self.column("messages") in r  # noqa: E731
        # Just below the dedicated adapters: a table that names the required columns is probably meant for this one.
        return 0.6 * share(sample, lambda r: all(c in r for c in columns) and has_text(r) and not isinstance(r.get("request"), dict))

    def to_events(self, record: Any) -> list[dict[str, Any]]:
        if not isinstance(record, dict):
            raise RecordError("<record>", f"expected a row, got {type(record).__name__}")
        get = lambda field: record.get(self.column(field))  # noqa: E731
        for field in REQUIRED:
            if get(field) in (None, ""):
                raise RecordError(self.column(field), f"missing (the column mapped to {field})")
        request: dict[str, Any] = {}
        messages = as_json(get("messages"), self.column("messages"))
        if isinstance(messages, list):
            request["messages"] = messages
        elif get("prompt") not in (None, ""):
            request["messages"] = ([{"role": "system", "content": str(get("system"))}] if get("system") else []) + [
                {"role": "user", "content": str(get("prompt"))}]
        for field, convert in _PARAMS.items():
            value = convert(get(field))
            if value is not None:
                request[field] = value
        bias = as_json(get("logit_bias"), self.column("logit_bias"))
        if isinstance(bias, dict) and bias:
            request["logit_bias"] = bias
        event: dict[str, Any] = {
            "request_id": str(get("request_id")),
            "ts": to_timestamp(get("ts"), self.column("ts")),
            "account_id": str(get("account_id")),
            "request": request,
            "response": chat_response(get("response") if get("response") not in (None, "") else None, get("prompt_tokens"),
                                      get("completion_tokens")),
        }
        for field, convert in _TOP.items():
            value = get(field)
            if value not in (None, ""):
                event[field] = convert(value)
        account = {field: str(get(field)) for field in _ACCOUNT if get(field) not in (None, "")}
        if get("account_created_at") not in (None, ""):
            account["created_at"] = to_timestamp(get("account_created_at"), self.column("account_created_at"))
        if account:
            event["account"] = account
        return [event]
