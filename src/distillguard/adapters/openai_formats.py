"""OpenAI-format records: chat-completion request/response logs, Batch API files, Responses API.

These formats carry the request and the response but rarely the caller: an account is
read from the request's `user` (or `safety_identifier`) field or a `metadata.user_id`,
and a Batch file, which one customer uploads, is charged to `batch:<file>` when no line
names a user.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from distillguard.adapters.base import (ANONYMOUS, Adapter, RecordError, chat_response, first, opt_int, request_from_body,
                                        sampling_params, share, text_of, to_timestamp)


# API bodies as the client and the API exchanged them: no network, key, price or billing identity.
_FILLED = ("request_id", "ts", "account_id", "model", "endpoint", "request", "response", "status")
_MISSING = ("ip", "user_agent", "org_id", "api_key_id", "cost_usd", "latency_ms", "account.payment_fingerprint", "account.created_at",
            "account.email_domain")


def _account(*sources: Any) -> str | None:
    for source in sources:
        if isinstance(source, dict):
            meta = source.get("metadata") if isinstance(source.get("metadata"), dict) else {}
            value = first(source.get("user"), source.get("safety_identifier"), meta.get("user_id"), meta.get("account_id"))
            if value:
                return str(value)
    return None


def _pair(record: dict) -> tuple[dict, dict]:
    """(request body, response body) of a logged pair, or ({}, record) for a bare response."""
    request = first(record.get("request"), record.get("input_body"))
    response = first(record.get("response"), record.get("output_body"))
    if isinstance(response, dict) and isinstance(response.get("body"), dict):
        response = response["body"]
    if isinstance(request, dict) or isinstance(response, dict):
        return (request if isinstance(request, dict) else {}), (response if isinstance(response, dict) else {})
    return {}, record


class OpenAIChatAdapter(Adapter):
    name = "openai-chat"
    title = "OpenAI chat/completions logs (response objects, or {request, response} pairs)"
    requires = "id, created and choices (request.user or metadata.user_id names the account)"
    fields_filled = _FILLED
    fields_missing = _MISSING

    def detect(self, sample: list[Any]) -> float:
        def test(r: dict) -> bool:
            if "custom_id" in r:  # a Batch API line
                return False
            _, response = _pair(r)
            return response.get("object") in ("chat.completion", "text_completion") or ("choices" in response and "created" in response)
        return share(sample, test)

    def to_events(self, record: Any) -> list[dict[str, Any]]:
        if not isinstance(record, dict):
            raise RecordError("<record>", f"expected a JSON object, got {type(record).__name__}")
        request, response = _pair(record)
        if not isinstance(response.get("choices"), list):
            raise RecordError("choices", "missing: not a chat or text completion")
        request_id = first(response.get("id"), record.get("request_id"), record.get("id"))
        if not request_id:
            raise RecordError("id", "missing")
        body = request_from_body(request)
        return [{
            "request_id": str(request_id),
            "ts": to_timestamp(first(record.get("ts"), record.get("timestamp"), response.get("created")), "created"),
            "account_id": first(record.get("account_id"), _account(request, record)) or ANONYMOUS,
            "model": first(request.get("model"), response.get("model")),
            "endpoint": "/v1/completions" if response.get("object") == "text_completion" else "/v1/chat/completions",
            "request": body,
            "response": {"choices": response["choices"], **({"usage": response["usage"]} if isinstance(response.get("usage"), dict) else {})},
            "status": opt_int(record.get("status")) or 200,
        }]


class OpenAIBatchAdapter(Adapter):
    """Batch API input lines (custom_id, method, url, body) and output lines (custom_id, response).

    Given both files, outputs are joined to their inputs by `custom_id` (inputs are indexed
    in a first pass); an input line alone has no time and cannot become an event.
    """

    name = "openai-batch"
    title = "OpenAI Batch API input and output files (custom_id, body)"
    requires = "custom_id; output lines with response.body.created (the input file joins prompts by custom_id)"
    fields_filled = _FILLED
    fields_missing = _MISSING

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)
        self.inputs: dict[str, dict] = {}
        self.outputs: set[str] = set()
        self.current_file = ""

    def detect(self, sample: list[Any]) -> float:
        return share(sample, lambda r: "custom_id" in r and (isinstance(r.get("body"), dict) or "response" in r or "error" in r))

    def prepare(self, records_by_file) -> None:
        for _, records in records_by_file:
            for record in records:
                if not isinstance(record, dict) or "custom_id" not in record:
                    continue
                if isinstance(record.get("body"), dict):
                    self.inputs[str(record["custom_id"])] = record
                else:
                    self.outputs.add(str(record["custom_id"]))

    def to_events(self, record: Any) -> list[dict[str, Any]]:
        if not isinstance(record, dict) or "custom_id" not in record:
            raise RecordError("custom_id", "missing")
        custom_id = str(record["custom_id"])
        if isinstance(record.get("body"), dict):  # an input line: becomes an event through its output line
            if custom_id in self.outputs:
                return []
            raise RecordError("custom_id", "a Batch input line without its output line has no time; scan the output file with it")
        source = self.inputs.get(custom_id, {})
        body_in = source.get("body") if isinstance(source.get("body"), dict) else {}
        response = record.get("response") if isinstance(record.get("response"), dict) else {}
        body_out = response.get("body") if isinstance(response.get("body"), dict) else {}
        if record.get("error") and not body_out:
            status = 500
        else:
            status = opt_int(response.get("status_code")) or 200
        created = body_out.get("created")
        if created is None:
            raise RecordError("response.body.created", "missing: a failed Batch line carries no time")
        choices = body_out.get("choices") if isinstance(body_out.get("choices"), list) else []
        return [{
            "request_id": str(first(response.get("request_id"), custom_id)),
            "ts": to_timestamp(created, "response.body.created"),
            "account_id": _account(body_in) or f"batch:{Path(self.current_file).name.split('.')[0] or 'unknown'}",
            "model": first(body_in.get("model"), body_out.get("model")),
            "endpoint": first(source.get("url"), "/v1/chat/completions"),
            "request": request_from_body(body_in),
            "response": {"choices": choices, **({"usage": body_out["usage"]} if isinstance(body_out.get("usage"), dict) else {})},
            "status": status,
            "custom_id": custom_id,
        }]


def _responses_input(request: dict, response: dict) -> list[dict] | None:
    messages: list[dict] = []
    instructions = first(request.get("instructions"), response.get("instructions"))
    if isinstance(instructions, str) and instructions:
        messages.append({"role": "developer", "content": instructions})
    given = request.get("input")
    if isinstance(given, str):
        messages.append({"role": "user", "content": given})
    elif isinstance(given, list):
        for item in given:
            if isinstance(item, dict) and item.get("role"):
                content = item.get("content")
                messages.append({"role": item["role"], "content": content if isinstance(content, str) else
                                 "\n".join(p.get("text", "") for p in content or () if isinstance(p, dict) and isinstance(p.get("text"), str))})
    return messages or None


class OpenAIResponsesAdapter(Adapter):
    name = "openai-responses"
    title = "OpenAI Responses API objects (object: response), alone or with their request"
    requires = "id, object \"response\" and created_at (user or metadata.user_id names the account)"
    fields_filled = _FILLED
    fields_missing = (*_MISSING, "request.logit_bias")

    def detect(self, sample: list[Any]) -> float:
        return share(sample, lambda r: _pair(r)[1].get("object") == "response" and "output" in _pair(r)[1])

    def to_events(self, record: Any) -> list[dict[str, Any]]:
        if not isinstance(record, dict):
            raise RecordError("<record>", f"expected a JSON object, got {type(record).__name__}")
        request, response = _pair(record)
        if response.get("object") != "response":
            raise RecordError("object", "not a Responses API object")
        if not response.get("id"):
            raise RecordError("id", "missing")
        texts = []
        for item in response.get("output") or ():
            if isinstance(item, dict) and item.get("type") == "message":
                texts.append(text_of([p.get("text") for p in item.get("content") or () if isinstance(p, dict) and p.get("type") == "output_text"]) or "")
        usage = response.get("usage") if isinstance(response.get("usage"), dict) else {}
        body: dict[str, Any] = {}
        messages = _responses_input(request, response)
        if messages:
            body["messages"] = messages
        params = {**{k: response.get(k) for k in ("temperature", "top_p", "top_logprobs")}, **request}
        body.update(sampling_params(params))
        max_output = opt_int(first(request.get("max_output_tokens"), response.get("max_output_tokens")))
        if max_output is not None:
            body["max_completion_tokens"] = max_output
        status = {"completed": 200, "incomplete": 200, "failed": 500}.get(response.get("status"), 200)
        return [{
            "request_id": str(response["id"]),
            "ts": to_timestamp(first(record.get("ts"), response.get("created_at")), "created_at"),
            "account_id": first(record.get("account_id"), _account(request, response)) or ANONYMOUS,
            "model": first(request.get("model"), response.get("model")),
            "endpoint": "/v1/responses",
            "request": body,
            "response": chat_response("\n".join(t for t in texts if t), usage.get("input_tokens"), usage.get("output_tokens")),
            "status": status,
        }]

