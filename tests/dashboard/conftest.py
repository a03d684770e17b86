"""Fixtures for the dashboard tests: a small scanned store, users, logged-in clients, live servers."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

try:  # the `services` extra; the test modules skip themselves when it is missing
    from fastapi import FastAPI, Request  # module level: the fake gateway's annotations resolve here
    from fastapi.responses import JSONResponse
except ImportError:  # pragma: no cover
    FastAPI = Request = JSONResponse = None

PASSWORD = "correct-horse-battery"
USERS = {"alice": "admin", "carol": "analyst", "bob": "viewer"}


@pytest.fixture(scope="session")
def base_store(tmp_path_factory) -> Path:
    from tests.dashboard.store_builder import build_store

    return build_store(tmp_path_factory.mktemp("dash"))


@pytest.fixture(scope="session")
def planted_base(tmp_path_factory) -> Path:
    """A scanned store whose attack prompts, system prompts and responses carry a planted e-mail and sk- key."""
    from tests.dashboard.store_builder import build_planted_store

    return build_planted_store(tmp_path_factory.mktemp("planted"))


@pytest.fixture()
def planted_store(planted_base, tmp_path) -> Path:
    path = tmp_path / "planted.duckdb"
    shutil.copy(planted_base, path)
    return path


@pytest.fixture(scope="session")
def users_file(tmp_path_factory) -> Path:
    from distillguard.dashboard.auth import UserStore

    path = tmp_path_factory.mktemp("users") / "users.yaml"
    store = UserStore(path)
    for name, role in USERS.items():
        store.add(name, role, PASSWORD)
    return path


@pytest.fixture()
def store(base_store, tmp_path) -> Path:
    """A private copy of the scanned store, so audit rows written by one test don't leak into another."""
    path = tmp_path / "store.duckdb"
    shutil.copy(base_store, path)
    return path


@pytest.fixture()
def make_client(store, users_file, tmp_path):
    from fastapi.testclient import TestClient

    from distillguard.dashboard.app import create_app

    clients = []

    def make(user: str | None = None, **kwargs):
        kwargs.setdefault("secret", b"t" * 32)
        app = create_app(kwargs.pop("db", store), kwargs.pop("users", users_file), **kwargs)
        client = TestClient(app)
        clients.append(client)
        if user:
            login(client, user)
        return client

    yield make
    for client in clients:
        client.app.state.data.close()


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(client, user: str, password: str = PASSWORD):
    page = client.get("/login")
    response = client.post("/login", data={"username": user, "password": password, "csrf": csrf_of(page.text), "next": "/"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    return response


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """Runs an ASGI app with uvicorn in a thread on 127.0.0.1."""

    def __init__(self, app) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def fake_gateway(token: str, fail: bool = False):
    """A stand-in for the gateway's admin API: records overrides, serves them back as its audit trail."""
    app = FastAPI()
    app.state.calls = []

    def authorised(request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {token}"

    @app.post("/admin/accounts/{account_id}/override")
    async def override(account_id: str, request: Request):
        if not authorised(request):
            return JSONResponse({"error": "unauthorised"}, status_code=401)
        if fail:
            return JSONResponse({"error": "boom"}, status_code=500)
        body = await request.json()
        app.state.calls.append({"account_id": account_id, **body})
        return {"account_id": account_id, "state": body["action"]}

    @app.get("/admin/audit")
    async def audit(request: Request, limit: int = 50, account_id: str | None = None):
        if not authorised(request):
            return JSONResponse({"error": "unauthorised"}, status_code=401)
        rows = [{"ts": "2026-01-01T00:00:00Z", "actor": c["actor"], "account_id": c["account_id"], "campaign_id": c["campaign_id"],
                 "action": c["action"], "reason": c["reason"], "request_id": c["request_id"]}
                for c in app.state.calls if account_id in (None, c["account_id"])]
        return {"audit": rows[-limit:]}

    return app
