"""The gateway's HTTP side: proxy, admin API and metrics (raw ASGI, see `asgi`).

Proxied (client API key as `Authorization: Bearer <key>`, see `keys`):
    POST /v1/chat/completions, POST /v1/completions   streaming (SSE) or not
Admin (header `Authorization: Bearer <admin token>`):
    GET  /admin/accounts/{id}            scorer verdict, override, flag, review state
    GET  /admin/review-queue             accounts held for review
    POST /admin/accounts/{id}/override   {"action": ..., "reason": "...", "actor": "...", "expires_in_s": N}
         (durable: written to STATE_DIR/decisions.sqlite, and to Redis when configured, before it returns;
         expires_in_s, optional, lifts an allow/block/hold/throttle/degrade after that many seconds)
         allow   exempt the account (never degraded, throttled, held or blocked)
         block   refuse every request (403 account_blocked)
         unblock lift a block or hold: the scorer's flag no longer blocks, and block/hold from
                 risk bands or findings become throttle (the account stays watched)
         hold    refuse with 403 account_held_for_review until decided
         throttle serve within the account's rate bucket (429 beyond it), whatever the risk
         degrade serve a degraded answer (logprobs/logit_bias stripped, max_tokens capped)
         reset   drop the override: the policy alone decides again
         allow/block/unblock/reset take the account off the review queue; every call is audited.
    GET  /admin/audit?limit=&account_id=&action=
    GET  /admin/policy                   the policy in force and its reload status
    GET  /metrics                        Prometheus text
Guard (the guard token DISTILLGUARD_GUARD_TOKEN, which can call nothing else, or the admin token;
used by the LiteLLM callback, see litellm_hook):
    POST /guard/check   the decision for a request another proxy is about to forward
    POST /guard/event   the completed api-event of an allowed request (durable when it returns)
Open: GET /healthz.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
import time
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AsyncIterator

import orjson

from distillguard.events.model import EventError, parse_event
from distillguard.gateway.asgi import JSONResponse, PlainTextResponse, Request, Response, Router, StreamingResponse, TooLarge
from distillguard.gateway.clientip import client_ip
from distillguard.gateway.decisions import DecisionStore
from distillguard.gateway.cohort import CohortAssigner
from distillguard.gateway.enforcer import Enforcer, Verdict, now_iso
from distillguard.gateway.errors import error_body, status_of
from distillguard.gateway.keys import KeyStore, bearer
from distillguard.gateway.policy import PolicyHolder
from distillguard.gateway.state import make_state
from distillguard.gateway.upstream import UpstreamClient, UpstreamError, UpstreamResponse, UpstreamTimeout

log = logging.getLogger("distillguard.gateway")

ENDPOINTS = {"/v1/chat/completions": "chat/completions", "/v1/completions": "completions"}
OVERRIDE_ACTIONS = {"allow": "allow", "block": "block", "unblock": "reviewed", "hold": "hold", "throttle": "throttle",
                    "degrade": "degrade", "reset": None}


@dataclass
class GatewayConfig:
    upstream: str | None
    keys_path: str | None
    state_dir: str
    admin_token: str
    policy_path: str | None = None
    events_log: str | None = None
    redis_url: str | None = None
    upstream_api_key: str | None = None
    scorer_config: str | None = None
    max_connections: int = 200
    snapshot_every: int = 2000
    rotate_bytes: int = 0  # start a new event-log segment past this size (0: never)
    retain_segments: int = 10  # rotated segments kept
    redis_timeout_s: float = 0.05  # per Redis call; past it the circuit breaker decides locally (see state)
    bus_url: str | None = None  # replicas: one event stream for every replica's scorer (see replicas)
    guard_token: str | None = None  # may call /guard/* only (the LiteLLM callback); the admin token may call all
    durability: str = "process"  # event log: "process" (in the OS before the last byte) or "disk" (fdatasynced; see eventlog)
    restore_in_background: bool = True  # serve while the scorer is rebuilt after a restart (see Enforcer.open)


def _error(code: str, *, reference: str | None = None, param: str | None = None, message: str | None = None,
           retry_after: int | None = None) -> JSONResponse:
    headers = {"Retry-After": str(retry_after)} if retry_after else {}
    if reference:
        headers["X-Request-Id"] = reference
    return JSONResponse(error_body(code, message, param, reference), status_code=status_of(code), headers=headers)


_TooLarge = TooLarge


async def _read_body(request: Request, limit: int) -> bytes:
    return await request.body(limit)


class _StreamAssembler:
    """Rebuilds the non-streamed equivalent of an SSE completion stream, for the event."""

    def __init__(self, chat: bool) -> None:
        self.chat = chat
        self.meta: dict[str, Any] = {}
        self.choices: dict[int, dict[str, Any]] = {}
        self.usage: dict[str, Any] | None = None

    def feed(self, chunk: dict[str, Any]) -> None:
        for key in ("id", "model", "created", "system_fingerprint"):
            if key in chunk and key not in self.meta:
                self.meta[key] = chunk[key]
        if isinstance(chunk.get("usage"), dict):
            self.usage = chunk["usage"]
        for choice in chunk.get("choices") or ():
            if not isinstance(choice, dict):
                continue
            index = choice.get("index", 0)
            slot = self.choices.setdefault(index, {"index": index, "finish_reason": None, "content": [], "role": "assistant",
                                                   "reasoning": []})
            if choice.get("finish_reason"):
                slot["finish_reason"] = choice["finish_reason"]
            if self.chat:
                delta = choice.get("delta") or {}
                if isinstance(delta.get("content"), str):
                    slot["content"].append(delta["content"])
                if isinstance(delta.get("reasoning_content"), str):
                    slot["reasoning"].append(delta["reasoning_content"])
                if delta.get("role"):
                    slot["role"] = delta["role"]
            elif isinstance(choice.get("text"), str):
                slot["content"].append(choice["text"])

    def result(self) -> dict[str, Any]:
        choices = []
        for index in sorted(self.choices):
            slot = self.choices[index]
            if self.chat:
                message = {"role": slot["role"], "content": "".join(slot["content"])}
                if slot["reasoning"]:
                    message["reasoning_content"] = "".join(slot["reasoning"])
                choices.append({"index": index, "message": message, "finish_reason": slot["finish_reason"]})
            else:
                choices.append({"index": index, "text": "".join(slot["content"]), "finish_reason": slot["finish_reason"]})
        out = dict(self.meta, object="chat.completion" if self.chat else "text_completion", choices=choices)
        if self.usage is not None:
            out["usage"] = self.usage
        return out


def _sse_data(event: bytes) -> bytes | None:
    for line in event.split(b"\n"):
        if line.startswith(b"data:"):
            return line[5:].strip()
    return None


def create_app(config: GatewayConfig) -> Router:
    keys = KeyStore.load(config.keys_path) if config.keys_path else KeyStore({})
    holder = PolicyHolder(config.policy_path)
    admin_token = config.admin_token.encode()
    if len(admin_token) < 16:
        raise ValueError("the admin token must be at least 16 characters")
    guard_token = config.guard_token.encode() if config.guard_token else None
    if guard_token is not None and (len(guard_token) < 16 or hmac.compare_digest(guard_token, admin_token)):
        raise ValueError("the guard token must be at least 16 characters and differ from the admin token")
    upstream_auth = {"Authorization": f"Bearer {config.upstream_api_key}"} if config.upstream_api_key else {}
    cohorts = CohortAssigner.from_env()  # watermark cohort per request (flagged campaigns get their own)
    ctx: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(app: Router):
        Path(config.state_dir).mkdir(parents=True, exist_ok=True)
        state = make_state(config.redis_url, store=DecisionStore(Path(config.state_dir) / "decisions.sqlite"),
                           timeout_s=config.redis_timeout_s)
        if not await state.ping():
            log.warning("redis at start-up: unreachable; deciding from the local store until it answers")
        bus = None
        if config.bus_url:
            from distillguard.gateway.replicas import BusLink

            bus = BusLink(config.bus_url)
        enforcer = Enforcer.open(policy=holder, state=state, state_dir=Path(config.state_dir),
                                 events_log=Path(config.events_log) if config.events_log else None,
                                 scorer_config=config.scorer_config, snapshot_every=config.snapshot_every, bus=bus,
                                 rotate_bytes=config.rotate_bytes, retain_segments=config.retain_segments,
                                 durability=config.durability, background=config.restore_in_background)
        enforcer.attach_bus(asyncio.get_running_loop())
        if enforcer.restoring:
            enforcer.start_restore(asyncio.get_running_loop())
        else:
            await enforcer.publish_restored_flags()
        policy = holder.get()
        client = UpstreamClient(config.upstream or "http://upstream.invalid", max_connections=config.max_connections,
                                timeout_s=policy.upstream_timeout_s, connect_timeout_s=policy.upstream_connect_timeout_s)
        ctx.update(enforcer=enforcer, client=client, state=state)
        app.state.enforcer = enforcer
        enforcer.defer_scoring = True
        app.after_response = enforcer.score_pending  # the scorer's step follows the last byte, never delays it
        log.warning("distillguard gateway ready: upstream %s, %d keys, state %s, %s",
                    config.upstream, len(keys), state.kind, "restoring the scorer in the background" if enforcer.restoring
                    else f"{enforcer.restored_events} events restored from the log")
        try:
            yield
        finally:
            await client.aclose()
            if bus is not None:
                bus.close()
            enforcer.close()
            await state.close()

    app = Router(lifespan=lifespan)

    def admin_ok(request: Request) -> bool:
        token = bearer(request.headers.get("authorization"))
        return token is not None and hmac.compare_digest(token.encode(), admin_token)

    def guard_ok(request: Request) -> bool:
        if admin_ok(request):
            return True
        token = bearer(request.headers.get("authorization"))
        return guard_token is not None and token is not None and hmac.compare_digest(token.encode(), guard_token)

    def unauthorized() -> JSONResponse:
        return JSONResponse(error_body("invalid_api_key", "Admin endpoints need 'Authorization: Bearer <admin token>'."),
                            status_code=401, headers={"WWW-Authenticate": "Bearer"})

    @app.route("GET", "/healthz")
    async def healthz(request: Request) -> dict:
        enforcer = ctx.get("enforcer")
        return {"ok": True, "restoring": bool(enforcer and enforcer.restoring)}

    async def proxy(request: Request, path: str) -> Response:
        enforcer: Enforcer = ctx["enforcer"]
        client: UpstreamClient = ctx["client"]
        if not config.upstream:
            return _error("not_found", message="This gateway runs without --upstream: only the guard and admin APIs are served.")
        policy = holder.get()
        started = time.perf_counter()
        request_id = "gw-" + uuid.uuid4().hex
        info = keys.lookup(bearer(request.headers.get("authorization")))
        if info is None:
            enforcer.metrics.inc("distillguard_rejected_total", reason="auth")
            return _error("invalid_api_key", reference=request_id)
        try:
            raw = await _read_body(request, policy.max_body_bytes)
        except _TooLarge:
            enforcer.metrics.inc("distillguard_rejected_total", reason="too_large")
            return _error("request_too_large", reference=request_id,
                          message=f"The request body is larger than {policy.max_body_bytes} bytes.")
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            body = None
        if not isinstance(body, dict):
            enforcer.metrics.inc("distillguard_rejected_total", reason="invalid_json")
            return _error("invalid_json", reference=request_id)
        draft = {
            "request_id": request_id, "ts": now_iso(), "account_id": info.account_id, "org_id": info.org_id,
            "api_key_id": info.key_id,
            "ip": client_ip(request.client_host, request.headers.get("x-forwarded-for"),
                            policy.trusted_networks),
            "user_agent": request.headers.get("user-agent"), "endpoint": "/v1/" + path,
            "model": body.get("model") if isinstance(body.get("model"), str) else None, "request": body,
            "response": None, "status": None, "latency_ms": None, "account": dict(info.account),
        }
        try:
            event = parse_event(draft)
        except EventError as exc:
            enforcer.metrics.inc("distillguard_rejected_total", reason="invalid_request")
            param = exc.field.removeprefix("request.")
            return _error("invalid_request", reference=request_id, param=param, message=f"Invalid field {param}: {exc.reason}")
        verdict = await enforcer.check(draft, event)
        if verdict.error_code:
            status = status_of(verdict.error_code)
            await _finish(enforcer, draft, None, status, started)
            return _error(verdict.error_code, reference=request_id, retry_after=verdict.retry_after)
        forward = enforcer.degrade(body, policy) if verdict.degrade else body
        if cohorts is not None:
            forward = cohorts.tag(forward, info.account_id, verdict.campaign_id, verdict.flagged)
        headers = {"Content-Type": "application/json", **upstream_auth}
        stream = bool(body.get("stream"))
        try:
            response = await client.post(path, orjson.dumps(forward), headers)
        except UpstreamTimeout as exc:
            code = "upstream_unavailable" if exc.connect else "upstream_timeout"
            enforcer.metrics.inc("distillguard_upstream_errors_total", kind=code)
            await _finish(enforcer, draft, None, status_of(code), started)
            return _error(code, reference=request_id, retry_after=policy.retry_after_s)
        except UpstreamError:
            enforcer.metrics.inc("distillguard_upstream_errors_total", kind="upstream_unavailable")
            await _finish(enforcer, draft, None, 502, started)
            return _error("upstream_unavailable", reference=request_id, retry_after=policy.retry_after_s)
        if not stream or response.status_code != 200 or "text/event-stream" not in response.headers.get("content-type", ""):
            try:
                content = await response.aread()
            except UpstreamError as exc:
                code = "upstream_timeout" if isinstance(exc, UpstreamTimeout) else "upstream_unavailable"
                enforcer.metrics.inc("distillguard_upstream_errors_total", kind=code)
                await _finish(enforcer, draft, None, status_of(code), started)
                return _error(code, reference=request_id, retry_after=policy.retry_after_s)
            finally:
                await response.aclose()  # a no-op once read whole (the connection went back to the pool)
            try:
                parsed = orjson.loads(content)
            except orjson.JSONDecodeError:
                parsed = None
            if verdict.degrade and isinstance(parsed, dict):
                enforcer.degrade_response(parsed, policy)
                content = orjson.dumps(parsed)
            await _finish(enforcer, draft, parsed if isinstance(parsed, dict) else None, response.status_code, started)
            media = response.headers.get("content-type", "application/json")
            return Response(content=content, status_code=response.status_code, media_type=media,
                            headers=_passthrough_headers(response) | {"X-Request-Id": request_id})
        return StreamingResponse(_relay(enforcer, response, draft, verdict, policy, path == "chat/completions", started),
                                 media_type="text/event-stream", headers={"Cache-Control": "no-cache", "X-Request-Id": request_id})

    async def _relay(enforcer: Enforcer, response: UpstreamResponse, draft: dict, verdict: Verdict, policy: Any, chat: bool,
                     started: float) -> AsyncIterator[bytes]:
        assembler = _StreamAssembler(chat)
        held: bytes | None = None  # the terminal `data: [DONE]`, released only once the event is durable
        buffer = b""
        finished = False
        status = 200
        try:
            try:
                async for chunk in response.aiter_raw():
                    buffer += chunk.replace(b"\r\n", b"\n")
                    while b"\n\n" in buffer:
                        raw_event, buffer = buffer.split(b"\n\n", 1)
                        data = _sse_data(raw_event)
                        if data == b"[DONE]":
                            held = raw_event + b"\n\n"
                            continue
                        if data:
                            try:
                                obj = orjson.loads(data)
                            except orjson.JSONDecodeError:
                                obj = None
                            if isinstance(obj, dict):
                                assembler.feed(obj)
                                if verdict.degrade:
                                    raw_event = b"data: " + orjson.dumps(enforcer.degrade_response(obj, policy))
                        yield raw_event + b"\n\n"  # every other event goes out as soon as it is complete
            except UpstreamError:
                status = 502
                enforcer.metrics.inc("distillguard_upstream_errors_total", kind="stream_broken")
            finally:
                await response.aclose()
            if buffer.strip():
                held = (held or b"") + buffer
            finished = True
            await _finish(enforcer, draft, assembler.result(), status, started)
            if held is not None and status == 200:
                yield held
        finally:
            if not finished:  # the client went away mid-stream: still account for what was generated
                enforcer.complete(_event(draft, assembler.result(), 499, started))

    for route, path in ENDPOINTS.items():
        async def handler(request: Request, _path: str = path) -> Response:
            return await proxy(request, _path)

        app.route("POST", route)(handler)

    # -- guard API: enforcement for another proxy (the LiteLLM callback) -------------------
    @app.route("POST", "/guard/check")
    async def guard_check(request: Request):
        """Decide on a request another proxy is about to forward. Body: the api-event so far
        (account_id, org_id, api_key_id, ip, user_agent, endpoint, model, request, account).
        A refused request is logged and scored here; an allowed one is reported by /guard/event."""
        if not guard_ok(request):
            return unauthorized()
        enforcer: Enforcer = ctx["enforcer"]
        policy = holder.get()
        try:
            body = orjson.loads(await _read_body(request, policy.max_body_bytes + 65536))
        except _TooLarge:
            return _error("request_too_large")
        except orjson.JSONDecodeError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("request"), dict):
            return _error("invalid_json", message="expected an api-event object with a 'request' body")
        request_id = "gw-" + uuid.uuid4().hex
        draft = {k: body.get(k) for k in ("account_id", "org_id", "api_key_id", "ip", "user_agent", "endpoint", "model",
                                           "request", "account")}
        draft.update(request_id=request_id, ts=now_iso(), response=None, status=None, latency_ms=None)
        try:
            event = parse_event(draft)
        except EventError as exc:
            return _error("invalid_request", param=exc.field, message=f"Invalid field {exc.field}: {exc.reason}")
        verdict = await enforcer.check(draft, event)
        out = {"request_id": request_id, "ts": draft["ts"], "action": verdict.evidence.get("action", verdict.decision.label),
               "refused": bool(verdict.error_code), "degrade": verdict.degrade}
        if verdict.error_code:
            status = status_of(verdict.error_code)
            await enforcer.complete(_event(draft, None, status, time.perf_counter()))
            out.update(status=status, retry_after=verdict.retry_after,
                       error=error_body(verdict.error_code, reference=request_id))
        if verdict.degrade:
            out["degrade_params"] = {"strip_params": list(policy.strip_params), "max_tokens_cap": policy.max_tokens_cap,
                                     "drop_reasoning": policy.drop_reasoning}
        return out

    @app.route("POST", "/guard/event")
    async def guard_event(request: Request):
        """Report the completed api-event of a request that /guard/check allowed; durable when this returns."""
        if not guard_ok(request):
            return unauthorized()
        enforcer: Enforcer = ctx["enforcer"]
        try:
            body = orjson.loads(await _read_body(request, 64 * 1024 * 1024))
        except (_TooLarge, orjson.JSONDecodeError):
            body = None
        if not isinstance(body, dict):
            return _error("invalid_json")
        try:
            parse_event(body)
        except EventError as exc:
            return _error("invalid_request", param=exc.field, message=f"Invalid field {exc.field}: {exc.reason}")
        await enforcer.complete(body)
        return {"ok": True, "request_id": body["request_id"]}

    # -- admin ------------------------------------------------------------------------
    @app.route("GET", "/admin/accounts/{account_id}")
    async def admin_account(request: Request):
        account_id = request.path_params["account_id"]
        if not admin_ok(request):
            return unauthorized()
        enforcer: Enforcer = ctx["enforcer"]
        await enforcer.restored()  # an analyst sees the rebuilt scorer, not the gap while it loads
        override, shared = await ctx["state"].account(account_id)
        queue = {item["account_id"]: item for item in await ctx["state"].review_queue()}
        view = enforcer.account_view(account_id)
        return {"account_id": account_id, "override": "unblock" if override == "reviewed" else override,
                "override_expires_at": ctx["state"].override_expiry(account_id) if override else None,
                "shared_flag": shared, "state_healthy": ctx["state"].healthy, "in_review_queue": account_id in queue, **view,
                "audit": enforcer.audit.query(limit=20, account_id=account_id)}

    @app.route("GET", "/admin/review-queue")
    async def admin_review(request: Request):
        if not admin_ok(request):
            return unauthorized()
        items = sorted(await ctx["state"].review_queue(), key=lambda item: -float(item.get("risk") or 0))
        return {"items": items, "count": len(items)}

    @app.route("POST", "/admin/accounts/{account_id}/override")
    async def admin_override(request: Request):
        account_id = request.path_params["account_id"]
        if not admin_ok(request):
            return unauthorized()
        try:
            body = orjson.loads(await _read_body(request, 65536))
        except _TooLarge:
            return _error("request_too_large", message="An override body is at most 65536 bytes.")
        except orjson.JSONDecodeError:
            body = None
        if not isinstance(body, dict):
            return _error("invalid_json")
        action = body.get("action")
        if action not in OVERRIDE_ACTIONS:
            return _error("invalid_request", param="action",
                          message=f"action must be one of {', '.join(OVERRIDE_ACTIONS)}")
        reason = body.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            return _error("invalid_request", param="reason", message="a reason is required for the audit trail")
        actor = body.get("actor") if isinstance(body.get("actor"), str) and body.get("actor") else "admin"
        ttl = body.get("expires_in_s")
        if ttl is not None and (isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or not 0 < ttl <= 10 * 365 * 86400):
            return _error("invalid_request", param="expires_in_s", message="expires_in_s must be a number of seconds > 0")
        if ttl is not None and action == "reset":
            return _error("invalid_request", param="expires_in_s", message="reset takes no expiry")
        expires_at = time.time() + float(ttl) if ttl is not None else None
        state = ctx["state"]
        await state.set_override(account_id, OVERRIDE_ACTIONS[action], expires_at)
        if action != "hold":
            await state.remove_review(account_id)
        enforcer: Enforcer = ctx["enforcer"]
        evidence = {"previous_view": enforcer.account_view(account_id) | {"verdict": None},
                    "dashboard_action": body.get("dashboard_action")}
        enforcer.audit.record(actor=f"admin:{actor}"[:120], account_id=account_id, campaign_id=body.get("campaign_id"),
                              action=f"override:{action}", reason=reason.strip()[:2000], evidence=evidence,
                              request_id=body.get("request_id") if isinstance(body.get("request_id"), str) else None)
        enforcer.metrics.inc("distillguard_overrides_total", action=action)
        return {"account_id": account_id, "override": action, "expires_at": expires_at, "ok": True}

    @app.route("GET", "/admin/audit")
    async def admin_audit(request: Request):
        # query parameters are read here, after the token check, so an anonymous caller learns nothing
        if not admin_ok(request):
            return unauthorized()
        query = request.query_params
        numbers = {}
        for name, default in (("limit", 100), ("before_id", None)):
            raw = query.get(name)
            if raw is None or raw == "":
                numbers[name] = default
            elif raw.isdigit() and len(raw) <= 18:
                numbers[name] = int(raw)
            else:
                return _error("invalid_request", param=name, message=f"{name} must be a whole number below 10^18")
        rows = ctx["enforcer"].audit.query(limit=numbers["limit"], account_id=query.get("account_id") or None,
                                           action=query.get("action") or None, before_id=numbers["before_id"])
        return {"audit": rows, "count": len(rows)}

    @app.route("GET", "/admin/policy")
    async def admin_policy(request: Request):
        if not admin_ok(request):
            return unauthorized()
        policy = holder.get()
        return {"source": policy.source, "reloads": holder.reloads, "reload_errors": holder.reload_errors,
                "last_error": holder.last_error, "fail_mode": policy.fail_mode,
                "bands": [{"name": b.name, "min_risk": b.min_risk, "actions": list(b.actions)} for b in policy.bands]}

    @app.route("GET", "/metrics")
    async def metrics(request: Request):
        if not admin_ok(request):
            return unauthorized()
        enforcer: Enforcer = ctx["enforcer"]
        enforcer.score_pending()
        gauges = {
            "distillguard_accounts_tracked": len(enforcer.last),
            "distillguard_accounts_flagged": sum(1 for d in enforcer.last.values() if d.flagged),
            "distillguard_event_log_fsyncs": enforcer.eventlog.fsyncs,
            "distillguard_event_log_fsync_seconds": round(enforcer.eventlog.fsync_seconds, 6),
            "distillguard_policy_reloads": holder.reloads,
            "distillguard_policy_reload_errors": holder.reload_errors,
            "distillguard_events_restored": enforcer.restored_events,
            "distillguard_restore_seconds": round(enforcer.restore_seconds, 3),
            "distillguard_restoring": int(enforcer.restoring),
        }
        return PlainTextResponse(enforcer.metrics.render(gauges), media_type="text/plain; version=0.0.4")

    return app


def _passthrough_headers(response: UpstreamResponse) -> dict[str, str]:
    keep = ("openai-processing-ms", "retry-after", "x-ratelimit-remaining-requests")
    return {k: v for k, v in response.headers.items() if k.lower() in keep}


def _event(draft: dict, response: dict | None, status: int, started: float) -> dict:
    event = dict(draft)
    event["response"] = response
    event["status"] = status
    event["latency_ms"] = round((time.perf_counter() - started) * 1000.0, 2)
    return event


async def _finish(enforcer: Enforcer, draft: dict, response: dict | None, status: int, started: float) -> None:
    """Log the event (scored after the response, see Router.after_response) and wait until it is durable."""
    await enforcer.complete(_event(draft, response, status, started))


def config_from_env(**kwargs: Any) -> GatewayConfig:
    return GatewayConfig(upstream_api_key=os.environ.get("DISTILLGUARD_UPSTREAM_API_KEY"),
                         guard_token=os.environ.get("DISTILLGUARD_GUARD_TOKEN") or None, **kwargs)
