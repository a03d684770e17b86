"""distillguard enforcement inside a LiteLLM proxy (a callback; no change of gateway).

The scoring runs in a distillguard gateway started without `--upstream` (it then serves only
its guard and admin APIs), so every LiteLLM worker shares one scorer, one policy, one audit
trail and one durable event log — the same as `distillguard gateway` in front of the model:

    DISTILLGUARD_ADMIN_TOKEN=... DISTILLGUARD_GUARD_TOKEN=... distillguard gateway --port 8090 --policy policy.yaml --state-dir dg-state

and in LiteLLM's config.yaml (with distillguard importable by the proxy's Python, e.g.
PYTHONPATH=/path/to/distillguard/src; this module needs only httpx and litellm):

    litellm_settings:
      callbacks: distillguard.gateway.litellm_hook.proxy_handler

Environment of the LiteLLM proxy:
    DISTILLGUARD_GUARD_URL     the gateway, default http://127.0.0.1:8090
    DISTILLGUARD_GUARD_TOKEN   its guard bearer token (check and report only; the admin token also works)
    DISTILLGUARD_ACCOUNT_FROM  which LiteLLM identity is the billing account: user (the key's
                               user_id), team, org, key (the hashed virtual key), end_user
                               (the request's `user` field). Default: user, falling back to
                               team, then the key.
    DISTILLGUARD_FAIL_MODE     open (default) or closed: when the gateway cannot be reached.

Hooks: `async_pre_call_hook` asks /guard/check before LiteLLM forwards the request; a refusal
raises an HTTP error with distillguard's status and OpenAI-shaped body, a degrade verdict
strips logprobs/top_logprobs/logit_bias and caps max_tokens in the forwarded request.
`async_post_call_success_hook` and `async_post_call_streaming_iterator_hook` drop reasoning
content from a degraded response, streamed or not. `async_log_success_event` / `async_log_failure_event` send the completed
api-event to /guard/event (logged durably, then scored). LiteLLM re-wraps a refusal: the client
gets distillguard's status, message and type, with LiteLLM's `code` (the status as a string)
and distillguard's full error body (its stable `code`, e.g. `account_blocked`, and
`reference`) under `error.provider_specific_fields.error`.
"""

from __future__ import annotations

import os
import time
from typing import Any

try:
    from litellm.integrations.custom_logger import CustomLogger
except ImportError:  # importable for documentation and tests without litellm
    CustomLogger = object  # type: ignore[misc,assignment]

_CALL_TYPES = {"completion", "acompletion", "text_completion", "atext_completion"}
_META = "distillguard"


def _identity(user_api_key_dict: Any, data: dict, account_from: str) -> dict[str, Any]:
    get = lambda name: getattr(user_api_key_dict, name, None)  # noqa: E731
    key_hash = get("api_key") or get("token")
    choices = {"user": get("user_id"), "team": get("team_id"), "org": get("org_id"),
               "key": f"key-{str(key_hash)[:16]}" if key_hash else None, "end_user": data.get("user") or get("end_user_id")}
    if account_from in choices:
        account_id = choices[account_from]
    else:
        account_id = choices["user"] or choices["team"] or choices["key"]
    return {"account_id": str(account_id) if account_id else "anonymous", "org_id": get("org_id") or get("team_id"),
            "api_key_id": get("key_alias") or (f"key-{str(key_hash)[:16]}" if key_hash else None)}


class DistillGuardHook(CustomLogger):  # type: ignore[misc]
    def __init__(self, url: str | None = None, token: str | None = None, account_from: str | None = None,
                 fail_mode: str | None = None, timeout: float = 5.0) -> None:
        if CustomLogger is not object:
            super().__init__()
        self.url = (url or os.environ.get("DISTILLGUARD_GUARD_URL", "http://127.0.0.1:8090")).rstrip("/")
        self.token = token or os.environ.get("DISTILLGUARD_GUARD_TOKEN") or os.environ.get("DISTILLGUARD_ADMIN_TOKEN", "")
        self.account_from = account_from or os.environ.get("DISTILLGUARD_ACCOUNT_FROM", "auto")
        self.fail_mode = fail_mode or os.environ.get("DISTILLGUARD_FAIL_MODE", "open")
        self.timeout = timeout
        self._client = None

    @property
    def client(self):
        import httpx

        if self._client is None:
            self._client = httpx.AsyncClient(base_url=self.url, timeout=self.timeout,
                                             headers={"Authorization": f"Bearer {self.token}"})
        return self._client

    # -- enforce -------------------------------------------------------------------------
    async def async_pre_call_hook(self, user_api_key_dict: Any, cache: Any, data: dict, call_type: str) -> dict:
        if call_type not in _CALL_TYPES:
            return data
        from fastapi import HTTPException

        chat = "messages" in data
        request = {k: v for k, v in data.items() if k not in ("metadata", "litellm_metadata", "proxy_server_request",
                                                              "secret_fields", "litellm_call_id", "litellm_logging_obj")
                   and not k.startswith("litellm_") and _jsonable(v)}
        headers = ((data.get("proxy_server_request") or {}).get("headers") or {})
        draft = dict(_identity(user_api_key_dict, data, self.account_from),
                     endpoint="/v1/chat/completions" if chat else "/v1/completions",
                     model=data.get("model") if isinstance(data.get("model"), str) else None, request=request,
                     user_agent=headers.get("user-agent"), ip=None, account=None)
        try:
            response = await self.client.post("/guard/check", json=draft)
            verdict = response.json()
            if response.status_code != 200:
                raise RuntimeError(f"guard answered {response.status_code}")
        except Exception as exc:
            if self.fail_mode == "closed":
                raise HTTPException(status_code=503, detail={"error": {
                    "message": "The request could not be checked; retry later.", "type": "api_error", "param": None,
                    "code": "enforcement_unavailable", "reference": None}}, headers={"Retry-After": "5"}) from exc
            return data
        if verdict.get("refused"):
            headers_out = {"Retry-After": str(verdict["retry_after"])} if verdict.get("retry_after") else None
            raise HTTPException(status_code=int(verdict["status"]), detail=verdict["error"], headers=headers_out)
        params = verdict.get("degrade_params") if verdict.get("degrade") else None
        if params:
            for name in params.get("strip_params") or ():
                data.pop(name, None)
            cap = params.get("max_tokens_cap")
            if cap:
                if isinstance(data.get("max_completion_tokens"), int):
                    data["max_completion_tokens"] = min(data["max_completion_tokens"], cap)
                data["max_tokens"] = min(data["max_tokens"], cap) if isinstance(data.get("max_tokens"), int) else cap
            if params.get("drop_reasoning"):
                for name in ("reasoning_effort", "thinking"):
                    data.pop(name, None)
        metadata = data.setdefault("metadata", {})
        metadata[_META] = {"request_id": verdict["request_id"], "ts": verdict["ts"], "draft": draft,
                           "drop_reasoning": bool(params and params.get("drop_reasoning")), "t0": time.time()}
        return data

    async def async_post_call_success_hook(self, data: dict, user_api_key_dict: Any, response: Any) -> Any:
        meta = (data.get("metadata") or {}).get(_META) or {}
        if meta.get("drop_reasoning"):
            for choice in getattr(response, "choices", None) or ():
                message = getattr(choice, "message", None)
                for name in ("reasoning_content", "thinking_blocks"):
                    if message is not None and getattr(message, name, None) is not None:
                        try:
                            setattr(message, name, None)
                        except Exception:
                            pass
        return response

    async def async_post_call_streaming_iterator_hook(self, user_api_key_dict: Any, response: Any, request_data: dict):
        meta = (request_data.get("metadata") or {}).get(_META) or {}
        drop = bool(meta.get("drop_reasoning"))
        async for chunk in response:
            if drop:
                for choice in getattr(chunk, "choices", None) or ():
                    delta = getattr(choice, "delta", None)
                    for name in ("reasoning_content", "thinking_blocks"):
                        if delta is not None and getattr(delta, name, None) is not None:
                            try:
                                setattr(delta, name, None)
                            except Exception:
                                pass
            yield chunk

    # -- feed events -----------------------------------------------------------------------
    async def async_log_success_event(self, kwargs: dict, response_obj: Any, start_time: Any, end_time: Any) -> None:
        await self._report(kwargs, response_obj, 200, start_time, end_time)

    async def async_log_failure_event(self, kwargs: dict, response_obj: Any, start_time: Any, end_time: Any) -> None:
        exc = kwargs.get("exception")
        await self._report(kwargs, None, int(getattr(exc, "status_code", 500) or 500), start_time, end_time)

    async def _report(self, kwargs: dict, response_obj: Any, status: int, start_time: Any, end_time: Any) -> None:
        params = kwargs.get("litellm_params") or {}
        meta = ((params.get("metadata") or {}).get(_META)) or ((kwargs.get("metadata") or {}).get(_META))
        if not meta:
            return
        body = None
        if response_obj is not None:
            body = response_obj.model_dump() if hasattr(response_obj, "model_dump") else dict(response_obj)
            body = _strip_private(body)
        try:
            latency = (end_time - start_time).total_seconds() * 1000.0
        except Exception:
            latency = (time.time() - meta.get("t0", time.time())) * 1000.0
        event = dict(meta["draft"], request_id=meta["request_id"], ts=meta["ts"], response=body, status=status,
                     latency_ms=round(latency, 2))
        try:
            await self.client.post("/guard/event", json=event)
        except Exception:
            pass  # the request was served; a lost event is visible in the gateway's metrics gap


def _jsonable(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool, list, dict, type(None)))


def _strip_private(body: Any) -> Any:
    if isinstance(body, dict):
        return {k: _strip_private(v) for k, v in body.items() if not str(k).startswith("_")}
    if isinstance(body, list):
        return [_strip_private(v) for v in body]
    return body


proxy_handler = DistillGuardHook()
