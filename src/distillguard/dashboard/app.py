"""The analyst dashboard: server-rendered pages over the embedded store.

    app = create_app("distillguard.duckdb", users="users.yaml")

Access: every route but /login (and its static CSS/JS) needs a signed session cookie
or an API bearer token. Roles: viewer (read), analyst (read + actions + raw prompts),
admin (+ users). Every POST from a browser carries the session's CSRF token.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from itsdangerous import BadSignature, URLSafeTimedSerializer

from distillguard.dashboard import actions as action_words
from distillguard.dashboard import requests_view, svg, triage
from distillguard.dashboard.redaction import redact_deep
from distillguard.linking.evidence import in_words
from distillguard.dashboard.auth import ROLE_RANK, ROLES, User, UserStore, load_secret
from distillguard.dashboard.data import ACTION_HELP, ACTIONS, DashboardData, StoreBusy, atlas_name, clip, new_request_id, redact
from distillguard.dashboard.gateway_client import GatewayClient

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "dg_session"
LOGIN_COOKIE = "dg_login"
FLASH_COOKIE = "dg_flash"
SESSION_MAX_AGE = 12 * 3600
PER_PAGE = 50
LOCKOUT_FAILURES, LOCKOUT_SECONDS = 5, 60
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'")
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}


class NeedLogin(Exception):
    pass


class Forbidden(Exception):
    def __init__(self, message: str = "forbidden") -> None:
        super().__init__(message)
        self.message = message


class NotFound(Exception):
    pass


class BadRequest(Exception):
    """A user's mistake in a form or API body: answered 400 with the reason."""


def _fmt_num(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != value:
            return "–"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.3g}" if value else "0"
    return str(value)


def _fmt_ts(value: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return value.strftime(fmt)
    return str(value)[:16]


def safe_next(path: str | None, default: str = "/") -> str:
    """Only same-site absolute paths: no scheme, no `//host`, no backslash tricks."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path or any(ord(c) < 32 for c in path):
        return default
    return path


def _step_name(seconds: int) -> str:
    return {60: "minute", 600: "10 minutes", 3600: "hour"}.get(seconds, f"{seconds} s")


def _evidence_items(evidence: Any) -> list[tuple[str, str]]:
    """Flatten a finding's evidence into (name, value) rows for a table."""
    items: list[tuple[str, str]] = []
    if not isinstance(evidence, dict):
        return [("value", str(evidence))]
    for key, value in evidence.items():
        if isinstance(value, dict):
            for sub, inner in value.items():
                items.append((f"{key}.{sub}", _fmt_num(inner) if not isinstance(inner, (list, dict)) else clip(json.dumps(inner), 200)))
        elif isinstance(value, list):
            if value:
                items.append((key, clip("; ".join(str(v) for v in value[:5]), 300)))
        else:
            items.append((key, _fmt_num(value)))
    return items


def create_app(db: str | Path, users: str | Path = "users.yaml", *, gateway_url: str | None = None,
               gateway_token: str | None = None, secret: bytes | None = None, secure_cookies: bool = False,
               intel: dict[str, list[str | Path]] | None = None, hold_store: bool = True) -> FastAPI:
    data = DashboardData(db, hold=hold_store)
    user_store = UserStore(users)
    if secret is None:
        secret = load_secret(Path(users).with_name(Path(users).name + ".secret"))
    signer = URLSafeTimedSerializer(secret, salt="distillguard-dashboard")
    gateway = GatewayClient(gateway_url, gateway_token or "") if gateway_url else None
    failures: dict[str, tuple[int, float]] = {}
    failures_lock = threading.Lock()

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters.update(num=_fmt_num, ts=_fmt_ts, pct=lambda v: "–" if v is None else f"{100 * v:.0f}%",
                       risk=lambda v: "–" if v is None else f"{v:.2f}", atlas_name=atlas_name, evidence=_evidence_items,
                       redact=redact, clip=clip, link_words=lambda r: in_words(r, ()), tojson=lambda v: json.dumps(v, indent=1, default=str))
    env.globals.update(ACTIONS=ACTIONS, ACTION_HELP=ACTION_HELP, ROLES=ROLES, EXPIRY=list(action_words.EXPIRY),
                       DEFAULT_EXPIRY=action_words.DEFAULT_EXPIRY)

    app = FastAPI(title="distillguard dashboard", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.data, app.state.users, app.state.gateway = data, user_store, gateway

    # -- helpers ---------------------------------------------------------------------------
    def base(request: Request) -> str:
        return request.scope.get("root_path", "").rstrip("/")

    def session_of(request: Request) -> dict | None:
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return None
        try:
            session = signer.loads(raw, max_age=SESSION_MAX_AGE)
        except BadSignature:
            return None
        return session if isinstance(session, dict) and "u" in session and "c" in session else None

    def identify(request: Request) -> tuple[User, dict | None] | None:
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            user = user_store.by_token(header[7:].strip())
            return (user, None) if user else None
        session = session_of(request)
        if session is None:
            return None
        user = user_store.get(session["u"])
        return (user, session) if user else None

    def require(request: Request, role: str = "viewer") -> tuple[User, dict | None]:
        who = identify(request)
        if who is None:
            raise NeedLogin()
        if ROLE_RANK[who[0].role] < ROLE_RANK[role]:
            raise Forbidden(f"this needs the {role} role; you are {who[0].role}")
        request.state.user, request.state.session = who
        return who

    def check_csrf(request: Request, session: dict | None, supplied: str | None) -> None:
        if session is None:  # bearer-token client: no ambient credentials, nothing to forge
            return
        origin = request.headers.get("origin")
        if origin and origin != "null":
            host = request.headers.get("host", "")
            if origin.split("://", 1)[-1] != host:
                raise Forbidden("cross-origin form post refused")
        if not supplied or not hmac.compare_digest(str(supplied), str(session["c"])):
            raise Forbidden("missing or invalid CSRF token; reload the page and try again")

    def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        user = getattr(request.state, "user", None)
        session = getattr(request.state, "session", None)
        flash = None
        raw_flash = request.cookies.get(FLASH_COOKIE)
        if raw_flash:
            try:
                flash = signer.loads(raw_flash, max_age=300, salt="flash")
            except BadSignature:
                flash = None
        pending = data.actions_summary()["pending"] if user else None
        html = env.get_template(name).render(request=request, base=base(request), user=user, csrf=session["c"] if session else "",
                                             flash=flash, pending=pending, nav=context.pop("nav", ""),
                                             gateway_url=gateway.url if gateway else None, **context)
        response = HTMLResponse(html, status_code=status_code)
        if raw_flash:
            response.delete_cookie(FLASH_COOKIE, path=base(request) or "/")
        return response

    def redirect(request: Request, path: str, flash: tuple[str, str] | None = None) -> RedirectResponse:
        response = RedirectResponse(base(request) + path, status_code=303)
        if flash:
            response.set_cookie(FLASH_COOKIE, signer.dumps(list(flash), salt="flash"), httponly=True, samesite="strict",
                                secure=secure_cookies, path=base(request) or "/")
        return response

    def page_args(request: Request) -> int:
        try:
            return max(1, int(request.query_params.get("page", "1")))
        except ValueError:
            return 1

    def pager(request: Request, page: int, total: int) -> dict:
        pages = max(1, (total + PER_PAGE - 1) // PER_PAGE)
        params = {k: v for k, v in request.query_params.items() if k != "page"}

        def link(p: int) -> str:
            return "?" + urlencode({**params, "page": p})
        return {"page": page, "pages": pages, "total": total, "prev": link(page - 1) if page > 1 else None,
                "next": link(page + 1) if page < pages else None}

    async def form_of(request: Request) -> dict[str, str]:
        form = await request.form()
        return {k: v for k, v in form.items() if isinstance(v, str)}

    # -- middleware & errors -------------------------------------------------------------
    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        if request.url.path.startswith(f"{base(request)}/static/"):
            response = await call_next(request)
        else:
            try:
                await run_in_threadpool(data.acquire)
            except StoreBusy:
                response = HTMLResponse(
                    "<!doctype html><title>Store busy</title><h1>The store is busy</h1><p>A scan is writing to it; "
                    "this page works again as soon as it finishes.</p>", status_code=503, headers={"Retry-After": "5"})
            else:
                try:
                    response = await call_next(request)
                finally:
                    await run_in_threadpool(data.release)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if not request.url.path.startswith(f"{base(request)}/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    def wants_json(request: Request) -> bool:
        path = request.url.path[len(base(request)):]
        return path.startswith("/api/") or "application/json" in request.headers.get("accept", "")

    @app.exception_handler(NeedLogin)
    async def _need_login(request: Request, exc: NeedLogin):
        if wants_json(request) or request.method != "GET":
            return JSONResponse({"error": "authentication required"}, status_code=401,
                                headers={"WWW-Authenticate": 'Bearer realm="distillguard"'})
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"{base(request)}/login?next={quote(target)}", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden):
        if wants_json(request):
            return JSONResponse({"error": exc.message}, status_code=403)
        return render(request, "error.html", status_code=403, title="Not allowed", message=exc.message)

    @app.exception_handler(BadRequest)
    async def _bad_request(request: Request, exc: BadRequest):
        if wants_json(request):
            return JSONResponse({"error": str(exc)}, status_code=400)
        return render(request, "error.html", status_code=400, title="Not done", message=str(exc))

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound):
        if wants_json(request):
            return JSONResponse({"error": str(exc) or "not found"}, status_code=404)
        return render(request, "error.html", status_code=404, title="Not found", message=str(exc) or "not found")

    # -- static & login ----------------------------------------------------------------------
    @app.get("/static/{name}")
    def static(name: str) -> Response:
        path = HERE / "static" / name
        if "/" in name or name.startswith(".") or not path.is_file() or path.suffix not in STATIC_TYPES:
            return Response("not found", status_code=404)
        return Response(path.read_bytes(), media_type=STATIC_TYPES[path.suffix], headers={"Cache-Control": "public, max-age=3600"})

    def login_page(request: Request, error: str | None = None, status: int = 200) -> HTMLResponse:
        token = secrets.token_urlsafe(24)
        response = render(request, "login.html", status_code=status, error=error, login_csrf=token,
                          next=safe_next(request.query_params.get("next")))
        response.set_cookie(LOGIN_COOKIE, signer.dumps(token, salt="login"), max_age=900, httponly=True, samesite="strict",
                            secure=secure_cookies, path=base(request) or "/")
        return response

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request):
        return login_page(request)

    @app.post("/login")
    async def login(request: Request):
        form = await form_of(request)
        try:
            expected = signer.loads(request.cookies.get(LOGIN_COOKIE, ""), max_age=900, salt="login")
        except BadSignature:
            expected = None
        if not expected or not hmac.compare_digest(str(expected), form.get("csrf", "")):
            return login_page(request, "Your login form expired; please try again.", status=403)
        name, password = form.get("username", "").strip(), form.get("password", "")
        now = time.monotonic()
        with failures_lock:
            count, until = failures.get(name, (0, 0.0))
            if until > now:
                return login_page(request, f"Too many failed attempts; wait {int(until - now) + 1} s.", status=429)
        user = user_store.authenticate(name, password)
        if user is None:
            with failures_lock:
                count += 1
                failures[name] = (count, now + LOCKOUT_SECONDS if count >= LOCKOUT_FAILURES else 0.0)
                if count >= LOCKOUT_FAILURES:
                    failures[name] = (0, now + LOCKOUT_SECONDS)
            return login_page(request, "Unknown user or wrong password.", status=401)
        with failures_lock:
            failures.pop(name, None)
        response = RedirectResponse(base(request) + safe_next(form.get("next")), status_code=303)
        session = {"u": user.name, "c": secrets.token_urlsafe(24), "t": int(time.time())}
        response.set_cookie(SESSION_COOKIE, signer.dumps(session), max_age=SESSION_MAX_AGE, httponly=True, samesite="strict",
                            secure=secure_cookies, path=base(request) or "/")
        response.delete_cookie(LOGIN_COOKIE, path=base(request) or "/")
        return response

    @app.post("/logout")
    async def logout(request: Request):
        _, session = require(request)
        check_csrf(request, session, (await form_of(request)).get("csrf"))
        response = RedirectResponse(base(request) + "/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path=base(request) or "/")
        return response

    # -- overview ------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse)
    def overview(request: Request):
        require(request)
        o = data.overview()
        acts = data.actions_summary()
        charts = data.cached(("overview-charts",) + data.data_version() + data.audit_version(), lambda: {
            "traffic": svg.time_chart([("all requests", [(r["h"], r["n"]) for r in o["hourly"]]),
                                       ("from flagged accounts", [(r["h"], r["fl"]) for r in o["hourly"]])],
                                      label="requests per hour", width=1200, height=260),
            "flagged": svg.time_chart([("flagged accounts active", [(r["d"], r["accounts"]) for r in o["daily"]])],
                                      label="flagged accounts per day", step=timedelta(days=1), bars=True,
                                      colors=(svg.PALETTE[1],), height=150),
            "first_flags": svg.time_chart([("accounts first flagged", [(r["d"], r["n"]) for r in o["first_flags"]])],
                                          label="accounts first flagged per day", step=timedelta(days=1), bars=True,
                                          colors=(svg.PALETTE[3],), height=150) if o["first_flags"] else "",
            "campaigns": svg.time_chart([("flagged campaigns active", [(r["d"], r["campaigns"]) for r in o["daily"]])],
                                        label="flagged campaigns per day", step=timedelta(days=1), bars=True,
                                        colors=(svg.PALETTE[4],), height=150),
            "actions": svg.time_chart([(a, [(r["d"], r["n"]) for r in acts["daily"] if r["action"] == a]) for a in ACTIONS],
                                      label="analyst actions per day", step=timedelta(days=1), bars=True,
                                      colors=tuple(svg.PALETTE[(i + 1) % len(svg.PALETTE)] for i in range(len(ACTIONS))), height=200),
            "risk": svg.histogram(o["risk_bins"], label="accounts by risk", threshold=o["threshold"]),
            "detectors": svg.hbar_chart([(d["detector"], d["accounts"], f"{d['detector']}: {d['accounts']} flagged accounts")
                                         for d in o["detectors"]], label="flagged accounts by detector"),
            "atlas": svg.hbar_chart([(d["technique"], d["accounts"], f"{d['technique']} {atlas_name(d['technique'])}: {d['accounts']}")
                                     for d in o["atlas"]], label="flagged accounts by ATLAS technique", color=svg.PALETTE[4]),
        })
        return render(request, "overview.html", nav="overview", o=o, acts=acts, charts=charts)

    # -- campaigns -------------------------------------------------------------------------------
    @app.get("/campaigns", response_class=HTMLResponse)
    def campaigns(request: Request, q: str = "", flagged: str = ""):
        require(request)
        page = page_args(request)
        rows, total = data.campaigns(q=q.strip(), flagged_only=bool(flagged), page=page, per_page=PER_PAGE)
        return render(request, "campaigns.html", nav="campaigns", rows=rows, q=q, flagged=flagged, pager=pager(request, page, total))

    def show_raw(request: Request, user: User) -> bool:
        return request.query_params.get("raw") == "1" and user.can("analyst")

    def viewable(value: Any, raw: bool) -> Any:
        """Everything a page or API shows passes here: masked unless an analyst asked for raw."""
        return value if raw else redact_deep(value)

    @app.get("/campaigns/{campaign_id}", response_class=HTMLResponse)
    def campaign(request: Request, campaign_id: str):
        user, _ = require(request)
        c = data.campaign(campaign_id)
        if c is None:
            raise NotFound(f"no campaign {campaign_id}")
        page = page_args(request)
        graph = data.campaign_graph(c)
        reason_colors = {r: svg.PALETTE[i % len(svg.PALETTE)] for i, r in enumerate(graph["reasons"])}
        root = base(request)
        timeline, step = data.campaign_timeline(c)
        raster = data.campaign_raster(c, step)
        charts = data.cached(("campaign-charts", campaign_id) + data.data_version(), lambda: {
            "graph": svg.network(graph["nodes"], graph["edges"], graph["positions"], reason_colors=reason_colors,
                                 href=lambda a: f"{root}/accounts/{quote(a, safe='')}", label="campaign link graph",
                                 width=1200, height=560),
            "timeline": svg.time_chart([("requests", [(r["h"], r["n"]) for r in timeline]),
                                        ("active members", [(r["h"], r["accounts"]) for r in timeline])],
                                       label=f"campaign requests per {_step_name(step)}", step=timedelta(seconds=step), width=1200),
            "raster": svg.raster(raster, timeline[0]["h"], timeline[-1]["h"], timedelta(seconds=step), label="requests per member over time",
                                 href=lambda a: f"{root}/accounts/{quote(a, safe='')}") if timeline else "",
        })
        members = data.campaign_members(c, page=page, per_page=PER_PAGE)
        raw = show_raw(request, user)
        edges = triage.forest_edges(c)
        return render(request, "campaign.html", nav="campaigns", c=dict(c, findings=viewable(c["findings"], raw)), graph=graph,
                      charts=charts, members=members, prompts=data.campaign_prompts(c), raw=raw, step_name=_step_name(step),
                      pager=pager(request, page, len(c["member_ids"])), edges=edges,
                      bridges=data.cached(("bridges", campaign_id) + data.data_version(),
                                          lambda: triage.weak_bridges(c["member_ids"], edges)),
                      scope=("campaign_id", c["campaign_id"]))

    # -- accounts --------------------------------------------------------------------------------
    @app.get("/accounts", response_class=HTMLResponse)
    def accounts(request: Request, q: str = "", flagged: str = "", status: str = ""):
        require(request)
        page = page_args(request)
        rows, total = data.accounts(q=q.strip(), flagged_only=bool(flagged), status=status, page=page, per_page=PER_PAGE)
        return render(request, "accounts.html", nav="accounts", rows=rows, q=q, flagged=flagged, status=status,
                      pager=pager(request, page, total), title="Accounts")

    @app.get("/queue", response_class=HTMLResponse)
    def queue(request: Request, status: str = "pending", q: str = "", sort: str = "risk", assignee: str = "", new: str = ""):
        user, _ = require(request)
        page = page_args(request)
        status = status if status in ("pending", "expired", *ACTIONS) else "pending"
        if status == "pending":
            rows, total = triage.queue(data, sort=sort, assignee=user.name if assignee == "me" else assignee, new_only=bool(new),
                                       q=q.strip(), page=page, per_page=PER_PAGE)
        else:
            rows, total = data.accounts(q=q.strip(), status=status, page=page, per_page=PER_PAGE)
        return render(request, "queue.html", nav="queue", rows=rows, q=q, status=status, sort=sort, assignee=assignee, new=new,
                      sorts=list(triage.QUEUE_SORTS), pager=pager(request, page, total), users=[u.name for u in user_store.users()])

    @app.get("/accounts/{account_id}", response_class=HTMLResponse)
    def account(request: Request, account_id: str):
        user, _ = require(request)
        a = data.account(account_id)
        if a is None:
            raise NotFound(f"no account {account_id}")
        activity = data.account_activity(account_id)
        history, _total = data.audit(account_id=account_id, per_page=100)
        gateway_history, gateway_error = (gateway.audit(limit=20, account_id=account_id) if gateway else ([], None))
        percentiles = data.account_percentiles(account_id)
        timeline = svg.time_chart([("requests", [(r["h"], r["n"]) for r in activity["timeline"]])],
                                  label=f"account requests per {_step_name(activity['step'])}", height=220, width=1200,
                                  step=timedelta(seconds=activity["step"]))
        meters = {p["feature"]: svg.meter(p["pct"], flag=p["pct"] >= 0.99 or p["pct"] <= 0.01) for p in percentiles}
        raw = show_raw(request, user)
        return render(request, "account.html", nav="accounts", a=dict(a, findings=viewable(a["findings"], raw)), activity=activity,
                      history=history, percentiles=percentiles, scope=("account_id", account_id),
                      meters=meters, timeline=timeline, raw=raw, gateway_history=gateway_history,
                      step_name=_step_name(activity["step"]),
                      gateway_error=gateway_error)

    # -- actions ---------------------------------------------------------------------------------
    def take_action(actor: str, action: str, reason: str, account_ids: list[str], campaign_ids: list[str],
                    expiry: str = "") -> dict:
        """One decision per campaign (one audit row listing its members) and one per loose account."""
        try:
            reason = action_words.validate(action, reason)
            expires = None if action == "reset" else action_words.expires_at(expiry or action_words.DEFAULT_EXPIRY)
        except action_words.ActionError as exc:
            raise BadRequest(str(exc)) from None
        decisions: list[tuple[list[str], str | None, dict]] = []
        for campaign_id in dict.fromkeys(c for c in campaign_ids if c):
            c = data.campaign(campaign_id)
            if c is None:
                raise NotFound(f"no campaign {campaign_id}")
            decisions.append((list(c["member_ids"]), campaign_id, {
                "scope": "campaign", "members": list(c["member_ids"]), "member_count": len(c["member_ids"]), "risk": c["risk"],
                "findings": [{k: f.get(k) for k in ("detector", "score", "atlas", "summary")} for f in c["findings"][:3]]}))
        for account_id in dict.fromkeys(a for a in account_ids if a):
            if data.account(account_id) is None:
                raise NotFound(f"no account {account_id}")
            decisions.append(([account_id], None, dict(data.action_evidence(account_id), scope="account")))
        if not decisions:
            raise BadRequest("choose at least one account or campaign")
        if action == "reset":
            standing = data.standing([a for accounts, _, _ in decisions for a in accounts])
            kept = []
            for accounts, campaign_id, evidence in decisions:
                lifted = [a for a in accounts if a in standing]
                if lifted:
                    kept.append((lifted, campaign_id, dict(evidence, members=lifted, member_count=len(lifted))
                                 if campaign_id else evidence))
            if not kept:
                raise BadRequest("nothing to reset: no standing action on " + ("these accounts" if len(decisions) > 1 else
                                 (decisions[0][1] or decisions[0][0][0])))
            decisions = kept
        totals = {"ok": 0, "failed": 0, "skipped": 0}
        ids = []
        unreachable = 0
        for accounts, campaign_id, evidence in decisions:
            request_id = new_request_id()
            if gateway:
                ok = failed = 0
                failures = []
                for account_id in accounts:
                    if unreachable >= 3:  # the gateway is down: don't wait out a timeout per member
                        failed += 1
                        failures.append({"account_id": account_id, "detail": "not sent: gateway unreachable"})
                        continue
                    result = gateway.override(account_id, action, reason, actor, campaign_id, request_id, expires)
                    unreachable = unreachable + 1 if result.status is None else 0
                    if result.ok:
                        ok += 1
                    else:
                        failed += 1
                        failures.append({"account_id": account_id, **result.to_json()})
                evidence["gateway"] = {"ok": failed == 0, "status": f"{ok}/{len(accounts)} applied",
                                       "detail": "; ".join(f"{f['account_id']}: {f['detail']}" for f in failures[:5]),
                                       "failures": failures[:50]}
                totals["ok"] += ok
                totals["failed"] += failed
            else:
                totals["skipped"] += len(accounts)
            ids.append(data.record_decision(actor, action, reason, accounts, campaign_id, expires, evidence, request_id))
        return {"action": action, "accounts": sum(len(d[0]) for d in decisions), "decisions": len(decisions), "audit_ids": ids,
                "expires_at": expires.isoformat() if expires else None, "gateway": totals if gateway else None}

    def targets_of(values: list[str]) -> tuple[list[str], list[str]]:
        """Bulk form values `campaign:ID` / `account:ID` into (accounts, campaigns)."""
        accounts, campaigns = [], []
        for value in values:
            kind, _, ident = value.partition(":")
            (campaigns if kind == "campaign" else accounts if kind == "account" else []).append(ident)
        return accounts, campaigns

    @app.post("/actions")
    async def actions(request: Request):
        user, session = require(request, "analyst")
        raw_form = await request.form()
        form = {k: v for k, v in raw_form.items() if isinstance(v, str)}
        check_csrf(request, session, form.get("csrf"))
        accounts, campaigns = targets_of([v for v in raw_form.getlist("target") if isinstance(v, str)])
        accounts += [form["account_id"]] if form.get("account_id") else []
        campaigns += [form["campaign_id"]] if form.get("campaign_id") and not form.get("account_id") else []
        back = safe_next(form.get("next"), "/queue")
        if form.get("op") == "assign":
            if not accounts and not campaigns:
                return redirect(request, back, ("warn", "select something to assign"))
            assignee = form.get("assignee") or user.name
            data.assign(campaigns + accounts, assignee, user.name)
            return redirect(request, back, ("ok", f"assigned {len(campaigns) + len(accounts)} item(s) to {assignee}"))
        try:
            outcome = take_action(user.name, form.get("action", ""), form.get("reason", ""), accounts, campaigns, form.get("expiry", ""))
        except (BadRequest, NotFound) as exc:
            return redirect(request, back, ("warn", str(exc) or "not found"))
        what = campaigns[0] if len(campaigns) == 1 and not accounts else accounts[0] if len(accounts) == 1 and not campaigns else \
            f"{outcome['decisions']} selections"
        until = f" until {outcome['expires_at'][:16].replace('T', ' ')} UTC" if outcome["expires_at"] else ""
        message = (f"{outcome['action']}{until}: {outcome['accounts']} account(s) ({what}) recorded in the audit trail as "
                   f"{outcome['decisions']} row(s)")
        level = "ok"
        if outcome["gateway"] is not None:
            g = outcome["gateway"]
            message += f"; gateway: {g['ok']} applied" + (f", {g['failed']} FAILED (see audit evidence)" if g["failed"] else "")
            level = "warn" if g["failed"] else "ok"
        else:
            message += "; no gateway configured, nothing enforced"
        return redirect(request, back, (level, message))

    # -- request explorer ---------------------------------------------------------------------------
    @app.get("/requests")
    def requests_page(request: Request, q: str = "", account_id: str = "", campaign_id: str = "", starts: str = "", has: str = "",
                      sort: str = "ts", format: str = ""):
        user, _ = require(request)
        raw = show_raw(request, user)
        filters = {"q": q.strip(), "account_id": account_id.strip(), "campaign_id": campaign_id.strip(), "starts": starts, "has": has}
        if format in ("csv", "json"):
            rows, total = requests_view.search(data, **filters, sort=sort, page=1, per_page=requests_view.EXPORT_LIMIT)
            content, media = requests_view.export(requests_view.viewable(rows, raw), format)
            return Response(content, media_type=media, headers={
                "Content-Disposition": f'attachment; filename="requests.{format}"',
                "X-Total-Count": str(total), "X-Exported-Count": str(len(rows))})
        page = page_args(request)
        rows, total = requests_view.search(data, **filters, sort=sort, page=page, per_page=PER_PAGE)
        params = {k: v for k, v in request.query_params.items() if k not in ("page", "format")}
        return render(request, "requests.html", nav="requests", rows=requests_view.viewable(rows, raw), total=total, raw=raw,
                      filters=filters, sort=sort, sorts=list(requests_view.SORTS), has_options=list(requests_view.HAS),
                      pager=pager(request, page, total), export_limit=requests_view.EXPORT_LIMIT,
                      export_qs=urlencode(params), raw_qs=urlencode({**params, "raw": "0" if raw else "1"}))

    @app.get("/requests/{request_id}", response_class=HTMLResponse)
    def request_page(request: Request, request_id: str):
        user, _ = require(request)
        row = requests_view.detail(data, request_id)
        if row is None:
            raise NotFound(f"no request {request_id}")
        raw = show_raw(request, user)
        return render(request, "request.html", nav="requests", r=requests_view.viewable(row, raw), raw=raw,
                      params_json=json.dumps(requests_view.viewable(row["params"], raw), indent=1, default=str),
                      tools_json=json.dumps(requests_view.viewable(row["tools"], raw), indent=1, default=str) if row["tools"] else "")

    # -- splitting an over-merged campaign -------------------------------------------------------
    @app.post("/campaigns/{campaign_id}/split")
    async def split_campaign(request: Request, campaign_id: str):
        from distillguard.linking import splits

        user, session = require(request, "analyst")
        raw_form = await request.form()
        form = {k: v for k, v in raw_form.items() if isinstance(v, str)}
        check_csrf(request, session, form.get("csrf"))
        c = data.campaign(campaign_id)
        if c is None:
            raise NotFound(f"no campaign {campaign_id}")
        side = [v for v in raw_form.getlist("member") if isinstance(v, str)]
        reason = form.get("reason", "").strip()[:500]
        if not reason:
            return redirect(request, f"/campaigns/{quote(campaign_id, safe='')}", ("warn", "a reason is required to split a campaign"))
        try:
            with data.writing() as con:
                split_id = splits.record(con, campaign_id, c["member_ids"], side, user.name, reason)
            data.record_actions(user.name, "split", reason, [(None, campaign_id, {"split_id": split_id, "side": side,
                                                                                "others": len(c["member_ids"]) - len(side)})])
            outcome = data.relink(splits.relink)
        except splits.SplitError as exc:
            return redirect(request, f"/campaigns/{quote(campaign_id, safe='')}", ("warn", str(exc)))
        target = data.campaign_of(side[0])
        message = (f"split {campaign_id}: {len(side)} account(s) apart from the other {len(c['member_ids']) - len(side)}; re-linked "
                   f"{outcome['accounts']} accounts into {outcome['campaigns']} campaigns (holds on every rescan)")
        return redirect(request, f"/campaigns/{quote(target, safe='')}" if target else "/campaigns", ("ok", message))

    # -- audit, intel, users ----------------------------------------------------------------------
    @app.get("/audit", response_class=HTMLResponse)
    def audit(request: Request, account_id: str = "", campaign_id: str = "", actor: str = "", action: str = ""):
        require(request)
        page = page_args(request)
        rows, total = data.audit(account_id=account_id, campaign_id=campaign_id, actor=actor, action=action, page=page, per_page=PER_PAGE)
        gateway_rows, gateway_error = (gateway.audit(limit=50) if gateway and page == 1 else ([], None))
        user = request.state.user
        rows, gateway_rows = viewable(rows, user.can("analyst")), viewable(gateway_rows, user.can("analyst"))
        return render(request, "audit.html", nav="audit", rows=rows, pager=pager(request, page, total),
                      filters={"account_id": account_id, "campaign_id": campaign_id, "actor": actor, "action": action},
                      gateway_rows=gateway_rows, gateway_error=gateway_error)

    @app.get("/intel", response_class=HTMLResponse)
    def intel_page(request: Request):
        require(request)
        from distillguard.dashboard.intel_view import load_intel

        view = load_intel(data, intel or {})
        return render(request, "intel.html", nav="intel", intel=view)

    @app.get("/users", response_class=HTMLResponse)
    def users_page(request: Request):
        require(request, "admin")
        return render(request, "users.html", nav="users", users=user_store.users(), new_token=None)

    @app.post("/users")
    async def users_post(request: Request):
        user, session = require(request, "admin")
        form = await form_of(request)
        check_csrf(request, session, form.get("csrf"))
        op, name = form.get("op", ""), form.get("username", "").strip()
        if op == "add":
            password = form.get("password", "")
            if len(password) < 10:
                return redirect(request, "/users", ("warn", "passwords need at least 10 characters"))
            try:
                user_store.add(name, form.get("role", "viewer"), password)
            except ValueError as exc:
                return redirect(request, "/users", ("warn", str(exc)))
            data.record_actions(user.name, "user_add", f"role {form.get('role', 'viewer')}", [(None, None, {"user": name})])
            return redirect(request, "/users", ("ok", f"user {name} saved"))
        if op == "delete":
            if name == user.name:
                return redirect(request, "/users", ("warn", "you cannot delete yourself"))
            user_store.remove(name)
            data.record_actions(user.name, "user_delete", "", [(None, None, {"user": name})])
            return redirect(request, "/users", ("ok", f"user {name} deleted"))
        if op == "token":
            if user_store.get(name) is None:
                raise NotFound(f"no user {name}")
            token = user_store.new_token(name)
            data.record_actions(user.name, "token_issue", "", [(None, None, {"user": name})])
            return render(request, "users.html", nav="users", users=user_store.users(), new_token=(name, token))
        raise Forbidden("unknown operation")

    # -- JSON API (bearer token or session) -----------------------------------------------------
    def jsonable(value: Any) -> Any:
        return json.loads(json.dumps(value, default=str))

    @app.get("/api/overview")
    def api_overview(request: Request):
        user, _ = require(request)
        o = data.overview()
        keep = ("events", "first_ts", "last_ts", "accounts", "flagged", "campaigns", "flagged_campaigns", "before_flag",
                "leak_responses", "leak_tokens", "leak_cost", "detectors", "atlas", "top_campaigns")
        return JSONResponse(jsonable(viewable({**{k: o[k] for k in keep}, "actions": data.actions_summary()}, show_raw(request, user))))

    @app.get("/api/campaigns")
    def api_campaigns(request: Request, q: str = "", flagged: str = ""):
        user, _ = require(request)
        rows, total = data.campaigns(q=q, flagged_only=bool(flagged), page=page_args(request), per_page=PER_PAGE)
        return JSONResponse(jsonable(viewable({"total": total, "campaigns": rows}, show_raw(request, user))))

    @app.get("/api/accounts/{account_id}")
    def api_account(request: Request, account_id: str):
        user, _ = require(request)
        a = data.account(account_id)
        if a is None:
            raise NotFound(f"no account {account_id}")
        return JSONResponse(jsonable(viewable(a, show_raw(request, user))))

    @app.get("/api/audit")
    def api_audit(request: Request, account_id: str = "", campaign_id: str = "", actor: str = "", action: str = ""):
        user, _ = require(request)
        rows, total = data.audit(account_id=account_id, campaign_id=campaign_id, actor=actor, action=action, page=page_args(request))
        return JSONResponse(jsonable(viewable({"total": total, "audit": rows}, show_raw(request, user))))

    @app.get("/api/requests")
    def api_requests(request: Request, q: str = "", account_id: str = "", campaign_id: str = "", starts: str = "", has: str = "",
                     sort: str = "ts"):
        user, _ = require(request)
        rows, total = requests_view.search(data, q.strip(), account_id, campaign_id, starts, has, sort, page_args(request), PER_PAGE)
        return JSONResponse(jsonable({"total": total, "requests": requests_view.viewable(rows, show_raw(request, user))}))

    @app.get("/api/requests/{request_id}")
    def api_request(request: Request, request_id: str):
        user, _ = require(request)
        row = requests_view.detail(data, request_id)
        if row is None:
            raise NotFound(f"no request {request_id}")
        return JSONResponse(jsonable(requests_view.viewable(row, show_raw(request, user))))

    @app.post("/api/actions")
    async def api_actions(request: Request):
        user, session = require(request, "analyst")
        try:
            body = await request.json()
        except ValueError:
            return JSONResponse({"error": "expected a JSON body"}, status_code=400)
        check_csrf(request, session, request.headers.get("x-csrf-token"))
        if not isinstance(body, dict):
            return JSONResponse({"error": "expected a JSON object"}, status_code=400)

        def listed(key: str) -> list[str]:
            value = body.get(key)
            return [str(v) for v in value] if isinstance(value, list) else [str(value)] if value else []
        outcome = take_action(user.name, str(body.get("action", "")), str(body.get("reason", "")),
                              listed("account_id") + listed("account_ids"), listed("campaign_id") + listed("campaign_ids"),
                              str(body.get("expiry") or ""))
        return JSONResponse(outcome)

    def warm() -> None:
        """Fill the caches and compile the templates (serve runs this in a thread at start)."""
        try:
            data.acquire()
            try:
                data.overview()
                data.actions_summary()
                data.population()
            finally:
                data.release()
            for name in env.list_templates():
                env.get_template(name)
        except Exception:  # noqa: BLE001 - warming is best effort; pages compute on demand anyway
            pass

    app.state.warm = warm
    return app
