"""Langfuse and Helicone exports: the LLM-observability tools many API teams already run.

Langfuse: its ingestion batches (`{"batch": [{"type": "generation-create", "body": ...}]}`,
what its SDKs and LiteLLM's Langfuse callback send) and observation exports (the public
API's `{"data": [...]}` or one observation per line). A generation's account is its trace's
`userId`, joined within the batch. Helicone: request rows from its export tool (JSONL/JSON
with `request_body`/`response_body`, or CSV) and the `/v1/request/query` API response.
"""

from __future__ import annotations

from typing import Any

from distillguard.adapters.base import (ANONYMOUS, Adapter, RecordError, as_json, chat_response, endpoint_for, first, messages_from,
                                        maybe_json, opt_float, opt_int, request_from_body, sampling_params, seconds_between, share, text_of,
                                        to_timestamp)

# Both tools log what the application sent and got back, never the caller's network or billing identity.
_FILLED = ("request_id", "ts", "account_id", "model", "endpoint", "request", "response", "status", "cost_usd", "latency_ms")
_MISSING = ("ip", "user_agent", "org_id", "api_key_id", "account.payment_fingerprint", "account.created_at", "account.email_domain")
_GENERATION_TYPES = {"generation-create", "generation-update", "observation-create"}


def _wrapped(record: Any, key: str) -> list | None:
    return record.get(key) if isinstance(record, dict) and isinstance(record.get(key), list) else None


def _usage(observation: dict) -> tuple[Any, Any]:
    usage = observation.get("usage") if isinstance(observation.get("usage"), dict) else {}
    details = observation.get("usageDetails") if isinstance(observation.get("usageDetails"), dict) else {}
    prompt = first(usage.get("input"), usage.get("promptTokens"), details.get("input"), observation.get("promptTokens"))
    completion = first(usage.get("output"), usage.get("completionTokens"), details.get("output"), observation.get("completionTokens"))
    return prompt, completion


def _cost(observation: dict) -> float | None:
    usage = observation.get("usage") if isinstance(observation.get("usage"), dict) else {}
    details = observation.get("costDetails") if isinstance(observation.get("costDetails"), dict) else {}
    return opt_float(first(usage.get("totalCost"), observation.get("calculatedTotalCost"), observation.get("totalCost"), details.get("total")))


def langfuse_generation(observation: dict, user_id: Any) -> dict[str, Any]:
    if not observation.get("id"):
        raise RecordError("id", "missing")
    observation_input = maybe_json(observation.get("input"))
    messages = messages_from(observation_input)
    request: dict[str, Any] = {"messages": messages} if messages else {}
    params = observation.get("modelParameters") if isinstance(observation.get("modelParameters"), dict) else {}
    request.update(sampling_params({**params, "max_tokens": first(params.get("max_tokens"), params.get("maxTokens"))}))
    prompt_tokens, completion_tokens = _usage(observation)
    span = seconds_between(observation.get("startTime"), observation.get("endTime"))
    meta = observation.get("metadata") if isinstance(observation.get("metadata"), dict) else {}
    level = observation.get("level")
    return {
        "request_id": str(observation["id"]),
        "ts": to_timestamp(first(observation.get("startTime"), observation.get("timestamp")), "startTime"),
        "account_id": str(first(user_id, observation.get("userId"), meta.get("user_api_key_user_id"), ANONYMOUS)),
        "model": first(observation.get("model"), observation.get("providedModelName")),
        "endpoint": endpoint_for(request.get("messages")),
        "request": request,
        "response": chat_response(text_of(maybe_json(observation.get("output"))), prompt_tokens, completion_tokens),
        "status": 500 if level == "ERROR" else 200,
        "cost_usd": _cost(observation),
        "latency_ms": round(span * 1000.0, 3) if span is not None else None,
    }


class LangfuseAdapter(Adapter):
    name = "langfuse"
    title = "Langfuse ingestion batches and observation exports (generations)"
    requires = "generation id and startTime (the trace's userId names the account)"
    fields_filled = _FILLED
    fields_missing = _MISSING

    def detect(self, sample: list[Any]) -> float:
        def test(r: dict) -> bool:
            batch = _wrapped(r, "batch")
            if batch is not None:
                return any(isinstance(i, dict) and str(i.get("type", "")).endswith("-create") for i in batch)
            rows = _wrapped(r, "data") or _wrapped(r, "observations") or [r]
            return any(isinstance(i, dict) and ("traceId" in i or "observations" in r) and i.get("type") in ("GENERATION", "SPAN", "EVENT")
                       for i in rows)
        return share(sample, test)

    def to_events(self, record: Any):
        batch = _wrapped(record, "batch")
        if batch is not None:
            users = {str(i["body"].get("id")): i["body"].get("userId") for i in batch
                     if isinstance(i, dict) and i.get("type") == "trace-create" and isinstance(i.get("body"), dict)}
            for item in batch:
                if not isinstance(item, dict) or item.get("type") not in _GENERATION_TYPES or not isinstance(item.get("body"), dict):
                    continue
                body = item["body"]
                if item.get("type") == "observation-create" and body.get("type") != "GENERATION":
                    continue
                try:
                    yield langfuse_generation(body, users.get(str(body.get("traceId"))))
                except RecordError as exc:
                    yield exc
            return
        nested = _wrapped(record, "observations")  # a trace with its observations (GET /api/public/traces/{id})
        user_id = record.get("userId") if nested is not None else None
        for observation in nested or _wrapped(record, "data") or [record]:
            if not isinstance(observation, dict):
                yield RecordError("<record>", "expected an observation object")
            elif observation.get("type", "GENERATION") == "GENERATION":
                try:
                    yield langfuse_generation(observation, user_id)
                except RecordError as exc:
                    yield exc


def helicone_row(row: dict) -> dict[str, Any]:
    request_id = first(row.get("request_id"), row.get("response_id"))
    if not request_id:
        raise RecordError("request_id", "missing")
    body_in = as_json(row.get("request_body"), "request_body")
    body_in = body_in if isinstance(body_in, dict) else {}
    body_out = as_json(row.get("response_body"), "response_body")
    properties = as_json(first(row.get("request_properties"), row.get("properties")), "request_properties")
    properties = properties if isinstance(properties, dict) else {}
    request = request_from_body(body_in)
    if isinstance(body_out, dict) and isinstance(body_out.get("choices"), list):
        response = {"choices": body_out["choices"]}
        if isinstance(body_out.get("usage"), dict):
            response["usage"] = body_out["usage"]
    else:
        response = chat_response(None, row.get("prompt_tokens"), row.get("completion_tokens"))
    return {
        "request_id": str(request_id),
        "ts": to_timestamp(first(row.get("request_created_at"), row.get("response_created_at")), "request_created_at"),
        "account_id": str(first(row.get("request_user_id"), row.get("helicone_user"), properties.get("Helicone-User-Id"), ANONYMOUS)),
        "model": first(row.get("request_model"), row.get("model"), body_in.get("model"), row.get("response_model")),
        "endpoint": first(row.get("request_path"), endpoint_for(request.get("messages"))),
        "request": request,
        "response": response,
        "status": opt_int(row.get("response_status")),
        "cost_usd": opt_float(first(row.get("costUSD"), row.get("cost"))),
        "latency_ms": opt_float(first(row.get("delay_ms"), row.get("latency"))),
    }


class HeliconeAdapter(Adapter):
    name = "helicone"
    title = "Helicone request exports (export tool JSONL/JSON/CSV, /v1/request/query)"
    requires = "request_id (or response_id) and request_created_at (request_user_id names the account)"
    fields_filled = _FILLED
    fields_missing = _MISSING

    def detect(self, sample: list[Any]) -> float:
        def test(r: dict) -> bool:
            rows = _wrapped(r, "data") or [r]
            return any(isinstance(i, dict) and "request_created_at" in i and ("request_body" in i or "request_user_id" in i) for i in rows)
        return share(sample, test)

    def to_events(self, record: Any):
        for row in _wrapped(record, "data") or [record]:
            if not isinstance(row, dict):
                yield RecordError("<record>", "expected a request row")
                continue
            try:
                yield helicone_row(row)
            except RecordError as exc:
                yield exc
