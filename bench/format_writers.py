"""Re-express API events as the logs other tools keep, carrying only what each tool records.

The adapters benchmark writes simulated traffic in each foreign format and scans it back,
so the detection lost to a format is the detection lost to the fields that format does
not carry. Each writer keeps exactly the fields its tool logs (LiteLLM's payload has the
caller IP but no user agent or payment data; OTLP GenAI spans have no logprob parameters;
a Helicone CSV export has no response body ...).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from distillguard.exports.otel import otlp_attribute


def _epoch_ns(ts: str) -> int:
    return int(datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp() * 1e9)


def _usage(event: dict) -> tuple[int | None, int | None]:
    usage = (event.get("response") or {}).get("usage") or {}
    return usage.get("prompt_tokens"), usage.get("completion_tokens")


def _params(request: dict, keys: Iterable[str]) -> dict:
    return {k: request[k] for k in keys if request.get(k) is not None}


def litellm_payload(event: dict) -> dict:
    prompt_tokens, completion_tokens = _usage(event)
    start = _epoch_ns(event["ts"]) / 1e9
    request = event["request"]
    return {
        "id": event["request_id"], "call_type": "acompletion" if "messages" in request else "atext_completion",
        "startTime": start, "endTime": start + (event.get("latency_ms") or 0) / 1000.0, "model": event.get("model"),
        "metadata": {"user_api_key_user_id": event["account_id"], "user_api_key_hash": event.get("api_key_id"),
                     "user_api_key_org_id": event.get("org_id"), "requester_ip_address": event.get("ip")},
        "messages": request.get("messages", request.get("prompt")), "response": event.get("response"),
        "model_parameters": _params(request, ("max_tokens", "max_completion_tokens", "temperature", "top_p", "n", "logprobs",
                                              "top_logprobs", "logit_bias", "seed")),
        "stream": bool(request.get("stream")), "status": "success" if (event.get("status") or 200) < 400 else "failure",
        "response_cost": event.get("cost_usd"), "prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
    }


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def otel_span(event: dict) -> dict:
    request = event["request"]
    messages = request.get("messages") or [{"role": "user", "content": request.get("prompt") or ""}]
    choices = (event.get("response") or {}).get("choices") or []
    output = [{"role": "assistant", "parts": [{"type": "text", "content": _text((c.get("message") or {}).get("content", c.get("text")))}]}
              for c in choices if isinstance(c, dict)]
    prompt_tokens, completion_tokens = _usage(event)
    start = _epoch_ns(event["ts"])
    attrs = [("gen_ai.operation.name", "chat" if "messages" in request else "text_completion"), ("gen_ai.request.model", event.get("model")),
             ("gen_ai.response.id", event["request_id"]), ("user.id", event["account_id"]), ("client.address", event.get("ip")),
             ("user_agent.original", event.get("user_agent")), ("gen_ai.usage.input_tokens", prompt_tokens),
             ("gen_ai.usage.output_tokens", completion_tokens),
             ("gen_ai.input.messages", orjson.dumps([{"role": m.get("role"), "parts": [{"type": "text", "content": _text(m.get("content"))}]}
                                                     for m in messages if isinstance(m, dict)]).decode()),
             ("gen_ai.output.messages", orjson.dumps(output).decode())]
    for key, target in (("max_tokens", "max_tokens"), ("temperature", "temperature"), ("top_p", "top_p"), ("n", "choice.count"), ("seed", "seed")):
        if request.get(key) is not None:
            attrs.append((f"gen_ai.request.{target}", request[key]))
    return {"traceId": event["request_id"][:32], "spanId": event["request_id"][-16:], "name": "chat", "kind": 3,
            "startTimeUnixNano": str(start), "endTimeUnixNano": str(start + int((event.get("latency_ms") or 0) * 1e6)),
            "attributes": [otlp_attribute(k, v) for k, v in attrs if v is not None]}


def langfuse_batch(event: dict) -> dict:
    request = event["request"]
    prompt_tokens, completion_tokens = _usage(event)
    trace_id = f"t-{event['request_id']}"
    choices = (event.get("response") or {}).get("choices") or []
    return {"batch": [
        {"type": "trace-create", "body": {"id": trace_id, "timestamp": event["ts"], "userId": event["account_id"]}},
        {"type": "generation-create", "body": {
            "id": event["request_id"], "traceId": trace_id, "startTime": event["ts"], "model": event.get("model"),
            "input": request.get("messages", request.get("prompt")),
            "output": _text((choices[0].get("message") or {}).get("content", choices[0].get("text"))) if choices else None,
            "modelParameters": _params(request, ("max_tokens", "temperature", "top_p", "n")),
            "usage": {"input": prompt_tokens, "output": completion_tokens, "totalCost": event.get("cost_usd")}}}]}


HELICONE_COLUMNS = ("response_id", "response_created_at", "response_status", "request_created_at", "request_body",
                    "request_properties", "request_user_id", "model", "prompt_tokens", "completion_tokens", "latency", "cost")


def helicone_row(event: dict) -> dict:
    prompt_tokens, completion_tokens = _usage(event)
    return {"response_id": event["request_id"], "response_created_at": event["ts"], "response_status": event.get("status") or 200,
            "request_created_at": event["ts"], "request_body": orjson.dumps({"model": event.get("model"), **event["request"]}).decode(),
            "request_properties": "{}", "request_user_id": event["account_id"], "model": event.get("model"),
            "prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens, "latency": event.get("latency_ms"),
            "cost": event.get("cost_usd")}


def openai_pair(event: dict) -> dict:
    response = dict(event.get("response") or {})
    created = int(_epoch_ns(event["ts"]) / 1e9)
    return {"request": {"model": event.get("model"), "user": event["account_id"], **event["request"]},
            "response": {"id": event["request_id"], "object": "chat.completion", "created": created, "model": event.get("model"),
                         "choices": response.get("choices") or [], "usage": response.get("usage") or {}}}


def write_format(events_path: Path, fmt: str, out_dir: Path) -> Path:
    """Write the events of `events_path` as `fmt`; returns the written file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    events = (orjson.loads(line) for line in open(events_path, "rb") if line.strip())
    if fmt == "helicone":
        path = out_dir / "helicone.csv"
        with open(path, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=HELICONE_COLUMNS)
            writer.writeheader()
            for event in events:
                writer.writerow(helicone_row(event))
        return path
    if fmt == "otlp-json":
        path = out_dir / "otel.jsonl"
        with open(path, "wb") as handle:
            batch: list[dict] = []
            for event in events:
                batch.append(otel_span(event))
                if len(batch) == 200:
                    handle.write(orjson.dumps({"resourceSpans": [{"resource": {}, "scopeSpans": [{"spans": batch}]}]}) + b"\n")
                    batch = []
            if batch:
                handle.write(orjson.dumps({"resourceSpans": [{"resource": {}, "scopeSpans": [{"spans": batch}]}]}) + b"\n")
        return path
    writers: dict[str, Callable[[dict], dict]] = {"litellm-payload": litellm_payload, "langfuse": langfuse_batch, "openai-chat": openai_pair}
    path = out_dir / f"{fmt}.jsonl"
    with open(path, "wb") as handle:
        for event in events:
            handle.write(orjson.dumps(writers[fmt](event)) + b"\n")
    return path


FORMATS = ("litellm-payload", "otlp-json", "langfuse", "helicone", "openai-chat")


def accounts_table(events_path: Path, out_dir: Path) -> Path:
    """The provider's billing table for these events (account_id and what it knows of each account), as CSV."""
    columns = ("account_id", "created_at", "payment_fingerprint", "email_domain", "country", "tier")
    seen: dict[str, dict] = {}
    for line in open(events_path, "rb"):
        if line.strip():
            event = orjson.loads(line)
            if event["account_id"] not in seen and event.get("account"):
                seen[event["account_id"]] = {"account_id": event["account_id"], **event["account"]}
    path = out_dir / "accounts.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(seen.values())
    return path
