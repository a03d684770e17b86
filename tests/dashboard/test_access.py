"""Access control: login, roles, CSRF, tokens, headers; nothing served to anonymous requests."""

from __future__ import annotations

import os
import stat

import pytest

pytest.importorskip("fastapi", reason="needs the services extra")
pytest.importorskip("itsdangerous", reason="needs the services extra")

from tests.dashboard.conftest import PASSWORD, csrf_of, login  # noqa: E402


def _routes(app):
    from starlette.routing import Route

    for route in app.routes:
        if isinstance(route, Route):
            path = route.path.replace("{campaign_id}", "camp-x").replace("{account_id}", "acct-x").replace("{name}", "app.css")
            for method in route.methods - {"HEAD"}:
                yield method, path


def test_anonymous_requests_get_nothing(make_client):
    client = make_client()
    checked = 0
    for method, path in _routes(client.app):
        if path in ("/login", "/static/app.css"):
            continue
        response = client.request(method, path, follow_redirects=False)
        checked += 1
        if path.startswith("/api/") or method == "POST":
            assert response.status_code in (401, 403), (method, path, response.status_code)
        else:
            assert response.status_code == 303 and response.headers["location"].startswith("/login"), (method, path)
        assert "acct-" not in response.text and "camp-" not in response.text
    assert checked >= 15
    # the login page itself is served
    assert make_client().get("/login").status_code == 200


def test_login_sets_a_hardened_session_cookie(make_client):
    client = make_client()
    response = login(client, "bob")
    cookie = response.headers["set-cookie"]
    assert "dg_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert client.get("/", follow_redirects=False).status_code == 200


def test_wrong_password_unknown_user_and_lockout(make_client):
    client = make_client()
    for _ in range(5):
        page = client.get("/login")
        bad = client.post("/login", data={"username": "carol", "password": "nope-nope-nope", "csrf": csrf_of(page.text)},
                          follow_redirects=False)
        assert bad.status_code == 401 and "dg_session" not in bad.headers.get("set-cookie", "")
    page = client.get("/login")
    locked = client.post("/login", data={"username": "carol", "password": PASSWORD, "csrf": csrf_of(page.text)}, follow_redirects=False)
    assert locked.status_code == 429
    page = client.get("/login")
    unknown = client.post("/login", data={"username": "mallory", "password": PASSWORD, "csrf": csrf_of(page.text)}, follow_redirects=False)
    assert unknown.status_code == 401


def test_login_form_needs_its_csrf_token(make_client):
    client = make_client()
    client.get("/login")
    response = client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf": "forged"}, follow_redirects=False)
    assert response.status_code == 403


def test_tampered_session_is_rejected(make_client):
    client = make_client("alice")
    value = client.cookies.get("dg_session")
    client.cookies.clear()
    client.cookies.set("dg_session", value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB"))
    assert client.get("/", follow_redirects=False).status_code == 303
    # a cookie signed with another secret is refused too
    other = make_client("alice", secret=b"other-secret" * 3)
    forged = other.cookies.get("dg_session")
    client.cookies.clear()
    client.cookies.set("dg_session", forged)
    assert client.get("/api/overview").status_code == 401


def test_viewer_reads_but_cannot_act_unredact_or_manage(make_client, store):
    client = make_client("bob")
    accounts = client.get("/accounts?flagged=1")
    assert accounts.status_code == 200 and "Viewers cannot take actions" not in accounts.text  # list has no forms
    account_id = client.get("/api/overview").json()["top_campaigns"][0]["campaign_id"]
    campaign = client.get(f"/campaigns/{account_id}")
    assert "Viewers cannot take actions" in campaign.text and 'name="action"' not in campaign.text
    raw = client.get(f"/campaigns/{account_id}?raw=1")
    assert "Redaction on (viewers)" in raw.text
    response = client.post("/actions", data={"csrf": csrf_of(campaign.text), "action": "block", "reason": "x", "campaign_id": account_id},
                           follow_redirects=False)
    assert response.status_code == 403
    assert client.get("/users").status_code == 403
    assert client.post("/users", data={"csrf": csrf_of(campaign.text), "op": "add", "username": "eve", "role": "admin",
                                       "password": "0123456789ab"}).status_code == 403


def test_actions_need_the_session_csrf_token_and_same_origin(make_client):
    client = make_client("carol")
    page = client.get("/queue")
    account_id = client.get("/accounts?flagged=1").text.split('href="/accounts/')[1].split('"')[0]
    form = {"action": "block", "reason": "test", "account_id": account_id, "next": "/queue"}
    assert client.post("/actions", data=form, follow_redirects=False).status_code == 403
    assert client.post("/actions", data={**form, "csrf": "nope"}, follow_redirects=False).status_code == 403
    token = csrf_of(page.text)
    assert client.post("/actions", data={**form, "csrf": token}, headers={"origin": "http://evil.example"},
                       follow_redirects=False).status_code == 403
    ok = client.post("/actions", data={**form, "csrf": token}, follow_redirects=False)
    assert ok.status_code == 303
    assert client.get("/api/audit").json()["total"] == 1
    # another user's session token does not work in this session
    other = make_client("alice")
    assert client.post("/actions", data={**form, "csrf": csrf_of(other.get("/queue").text)}, follow_redirects=False).status_code == 403


def test_admin_manages_users_and_api_tokens(make_client, users_file, tmp_path):
    import shutil

    users = tmp_path / "users.yaml"
    shutil.copy(users_file, users)
    client = make_client("alice", users=users)
    page = client.get("/users")
    assert page.status_code == 200 and "carol" in page.text
    token_page = client.post("/users", data={"csrf": csrf_of(page.text), "op": "token", "username": "bob"})
    token = token_page.text.split('<pre id="new-token">')[1].split("</pre>")[0]
    assert token.startswith("dgt_") and token not in users.read_text()
    api = make_client(users=users)
    assert api.get("/api/overview", headers={"authorization": f"Bearer {token}"}).status_code == 200
    assert api.get("/api/overview", headers={"authorization": "Bearer dgt_wrong"}).status_code == 401
    # bob is a viewer: his token cannot act
    assert api.post("/api/actions", json={"action": "block", "reason": "x", "account_id": "a"},
                    headers={"authorization": f"Bearer {token}"}).status_code == 403
    added = client.post("/users", data={"csrf": csrf_of(page.text), "op": "add", "username": "dave", "role": "analyst",
                                        "password": "dave-password-1"}, follow_redirects=False)
    assert added.status_code == 303
    assert login(make_client(users=users), "dave", "dave-password-1").status_code == 303
    assert oct(stat.S_IMODE(os.stat(users).st_mode)) == "0o600"


def test_security_headers(make_client):
    client = make_client("alice")
    for path in ("/login", "/", "/campaigns"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["content-security-policy"] and "'unsafe-inline'" not in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
        assert headers["cache-control"] == "no-store"


def test_password_hashes_and_secret_file(tmp_path, monkeypatch):
    from distillguard.dashboard.auth import SECRET_ENV, hash_password, load_secret, verify_password

    stored = hash_password("s3cret-password")
    assert stored.startswith("scrypt$") and "s3cret" not in stored
    assert verify_password("s3cret-password", stored) and not verify_password("s3cret-passwore", stored)
    assert hash_password("same") != hash_password("same")  # salted
    monkeypatch.delenv(SECRET_ENV, raising=False)
    path = tmp_path / "secret"
    first = load_secret(path)
    assert load_secret(path) == first and oct(stat.S_IMODE(os.stat(path).st_mode)) == "0o600"
    monkeypatch.setenv(SECRET_ENV, "from-env")
    assert load_secret(path) == b"from-env"


def test_users_cli_prompts_and_hashes(tmp_path):
    from typer.testing import CliRunner

    from distillguard.cli import app

    users = tmp_path / "u.yaml"
    runner = CliRunner()
    result = runner.invoke(app, ["users", "add", "erin", "--role", "analyst", "--users", str(users)], input="erin-password-9\nerin-password-9\n")
    assert result.exit_code == 0, result.output
    text = users.read_text()
    assert "erin-password-9" not in text and "scrypt$" in text and "analyst" in text
    assert runner.invoke(app, ["users", "add", "x", "--role", "root", "--users", str(users)], input="a\na\n").exit_code == 2
    assert "erin\tanalyst" in runner.invoke(app, ["users", "list", "--users", str(users)]).output
    # serve refuses to start without users
    result = runner.invoke(app, ["serve", "--db", str(users), "--users", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2


@pytest.mark.parametrize("prefix", ["/dashboard"])
def test_mounted_under_a_prefix(store, users_file, prefix):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from distillguard.dashboard.app import create_app

    parent = FastAPI()
    dash = create_app(store, users_file, secret=b"p" * 32)
    parent.mount(prefix, dash)
    client = TestClient(parent)
    response = client.get(f"{prefix}/campaigns", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith(f"{prefix}/login")
    page = client.get(f"{prefix}/login")
    assert f'action="{prefix}/login"' in page.text and f'href="{prefix}/static/app.css"' in page.text
    done = client.post(f"{prefix}/login", data={"username": "alice", "password": PASSWORD, "csrf": csrf_of(page.text)}, follow_redirects=False)
    assert done.headers["location"] == f"{prefix}/"
    assert client.get(f"{prefix}/").status_code == 200
    dash.state.data.close()


def test_login_redirect_stays_on_site(make_client):
    client = make_client()
    for evil in ("//evil.example/x", "/\\evil.example", "https://evil.example/"):
        page = client.get("/login", params={"next": evil})
        response = client.post("/login", data={"username": "bob", "password": PASSWORD, "csrf": csrf_of(page.text), "next": evil},
                               follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/", evil
