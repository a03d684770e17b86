"""LiteLLM: the StandardLoggingPayload its callbacks emit, and rows of its spend-log table.

Both name the billing identity through the proxy's virtual key: the key's user, then its
team, then the request's end user, then the hashed key itself. Timestamps without a zone
(the spend-log export writes `2025-01-24 09:20:46.847371`) are read as UTC, which is what
the proxy stores.
"""

from __future__ import annotations

from typing import Any

from distillguard.adapters.base import (ANONYMOUS, Adapter, RecordError, as_json, chat_response, endpoint_for, first,
                                        messages_from, opt_float, opt_int, sampling_params, seconds_between, share, to_timestamp)

_CHAT_CALLS = {"completion", "acompletion"}
_TEXT_CALLS = {"text_completion", "atext_completion"}


def _key_id(key_hash: Any) -> str | None:
    return f"key-{str(key_hash)[:16]}" if key_hash else None


def _endpoint(call_type: Any, messages: Any) -> str | None:
    if call_type in _CHAT_CALLS:
        return "/v1/chat/completions"
    if call_type in _TEXT_CALLS:
        return "/v1/completions"
    if call_type in ("responses", "aresponses"):
        return "/v1/responses"
    return endpoint_for(messages) if call_type is None else None


def _status(value: Any, error: Any) -> int:
    if value == "success":
        return 200
    code = opt_int((error or {}).get("error_code")) if isinstance(error, dict) else None
    return code if code and 100 <= code < 600 else 500


class LiteLLMPayloadAdapter(Adapter):
    name = "litellm-payload"
    title = "LiteLLM StandardLoggingPayload (callback output)"
    fields_filled = ("request_id", "ts", "account_id", "org_id", "api_key_id", "ip", "model", "endpoint", "request", "response",
                     "status", "cost_usd", "latency_ms")
    fields_missing = ("user_agent", "account.payment_fingerprint", "account.created_at", "account.email_domain")
    requires = "id and startTime (metadata.user_api_key_user_id / team / end_user name the account)"

    def detect(self, sample: list[Any]) -> float:
        return share(sample, lambda r: "call_type" in r and "startTime" in r and ("response_cost" in r or "model_parameters" in r)
                     and "spend" not in r)

    def to_events(self, record: Any) -> list[dict[str, Any]]:
        if not isinstance(record, dict):
            raise RecordError("<record>", f"expected a JSON object, got {type(record).__name__}")
        meta = record.get("metadata") if isinstance(record.get("metadata"), dict) else {}
        request_id = first(record.get("id"), record.get("litellm_call_id"), record.get("trace_id"))
        if not request_id:
            raise RecordError("id", "missing")
        messages = record.get("messages")
        request: dict[str, Any] = {}
        if isinstance(messages, list):
            request["messages"] = messages
        elif isinstance(messages, str) and messages:
            request["prompt"] = messages
        params = record.get("model_parameters") if isinstance(record.get("model_parameters"), dict) else {}
        request.update(sampling_params(params))
        if isinstance(record.get("stream"), bool):
            request["stream"] = record["stream"]
        response = record.get("response") if isinstance(record.get("response"), dict) else None
        if response is None or "choices" not in response:
            response = chat_response(None, record.get("prompt_tokens"), record.get("completion_tokens")) or response
        latency = opt_float(record.get("response_time"))
        if latency is None:
            span = seconds_between(record.get("startTime"), record.get("endTime"))
            latency = span if span is not None else None
        return [{
            "request_id": str(request_id),
            "ts": to_timestamp(record.get("startTime"), "startTime"),
            "account_id": str(first(meta.get("user_api_key_user_id"), meta.get("user_api_key_team_id"), record.get("end_user"),
                                    meta.get("user_api_key_end_user_id"), params.get("user"),  # the SDK's `user=` lands here
                                    _key_id(meta.get("user_api_key_hash")), ANONYMOUS)),
            "org_id": first(meta.get("user_api_key_org_id"), meta.get("user_api_key_team_id")),
            "api_key_id": first(meta.get("user_api_key_alias"), _key_id(meta.get("user_api_key_hash"))),
            "ip": first(record.get("requester_ip_address"), meta.get("requester_ip_address")),
            "model": record.get("model") if isinstance(record.get("model"), str) else None,
            "endpoint": _endpoint(record.get("call_type"), request.get("messages")),
            "request": request,
            "response": response,
            "status": _status(record.get("status"), record.get("error_information")),
            "cost_usd": opt_float(record.get("response_cost")),
            "latency_ms": round(latency * 1000.0, 3) if latency is not None else None,
        }]


class LiteLLMSpendLogAdapter(Adapter):
    name = "litellm-spend"
    title = "LiteLLM spend-log rows (LiteLLM_SpendLogs export: CSV, Parquet or JSONL)"
    fields_filled = ("request_id", "ts", "account_id", "org_id", "api_key_id", "ip", "user_agent", "model", "endpoint", "request",
                     "response", "status", "cost_usd", "latency_ms")
    fields_missing = ("account.payment_fingerprint", "account.created_at", "account.email_domain")
    requires = "request_id and startTime (user / team_id / end_user / api_key name the account)"

    def detect(self, sample: list[Any]) -> float:
        return share(sample, lambda r: "request_id" in r and "spend" in r and "startTime" in r)

    def to_events(self, record: Any) -> list[dict[str, Any]]:
        if not isinstance(record, dict):
            raise RecordError("<record>", f"expected an object or row, got {type(record).__name__}")
        request_id = record.get("request_id")
        if not request_id:
            raise RecordError("request_id", "missing")
        meta = as_json(record.get("metadata"), "metadata")
        meta = meta if isinstance(meta, dict) else {}
        proxy_request = as_json(record.get("proxy_server_request"), "proxy_server_request")
        body = proxy_request.get("body") if isinstance(proxy_request, dict) and isinstance(proxy_request.get("body"), dict) else proxy_request
        body = body if isinstance(body, dict) else {}
        messages = messages_from(as_json(record.get("messages"), "messages")) or messages_from(body.get("messages"))
        request: dict[str, Any] = {"messages": messages} if messages else {}
        if not messages and isinstance(body.get("prompt"), str):
            request["prompt"] = body["prompt"]
        request.update(sampling_params(body))
        response = as_json(record.get("response"), "response")
        response = response if isinstance(response, dict) and response.get("choices") else None
        if response is None:
            response = chat_response(None, record.get("prompt_tokens"), record.get("completion_tokens"))
        headers = proxy_request.get("headers") if isinstance(proxy_request, dict) and isinstance(proxy_request.get("headers"), dict) else {}
        span = seconds_between(record.get("startTime"), record.get("endTime"))
        return [{
            "request_id": str(request_id),
            "ts": to_timestamp(record.get("startTime"), "startTime"),
            "account_id": str(first(record.get("user"), meta.get("user_api_key_user_id"), record.get("team_id"), record.get("end_user"),
                                    _key_id(record.get("api_key")), ANONYMOUS)),
            "org_id": first(record.get("organization_id"), record.get("team_id"), meta.get("user_api_key_org_id")),
            "api_key_id": first(meta.get("user_api_key_alias"), _key_id(record.get("api_key"))),
            "ip": first(record.get("requester_ip_address"), meta.get("requester_ip_address")),
            "user_agent": first(meta.get("user_agent"), headers.get("user-agent")),
            "model": first(record.get("model")),
            "endpoint": _endpoint(first(record.get("call_type")), request.get("messages")),
            "request": request,
            "response": response,
            "status": _status(first(record.get("status"), "success"), meta.get("error_information")),
            "cost_usd": opt_float(record.get("spend")),
            "latency_ms": round(span * 1000.0, 3) if span is not None else None,
        }]
