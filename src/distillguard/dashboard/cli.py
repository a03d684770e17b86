"""`distillguard serve` (the analyst dashboard) and `distillguard users ...` (its accounts)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional

import typer

DEFAULT_USERS = Path("users.yaml")
users_app = typer.Typer(help="Dashboard users: viewer (read), analyst (act), admin (manage users).", no_args_is_help=True)


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


@users_app.command("add")
def users_add(
    name: str = typer.Argument(..., help="User name (letters, digits, - _ . @)."),
    role: str = typer.Option("viewer", "--role", help="viewer, analyst or admin."),
    users: Path = typer.Option(DEFAULT_USERS, "--users", help="Users file (YAML, written with mode 0600)."),
    password_env: Optional[str] = typer.Option(None, "--password-env", help="Read the password from this environment variable instead of prompting."),
) -> None:
    """Add a user (or reset their password and role). Prompts for the password; stores a salted scrypt hash."""
    from distillguard.dashboard.auth import ROLES, UserStore

    if role not in ROLES:
        _fail(f"--role must be one of {', '.join(ROLES)}")
    if password_env:
        password = os.environ.get(password_env, "")
        if not password:
            _fail(f"${password_env} is empty")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 10:
        _fail("passwords need at least 10 characters")
    try:
        UserStore(users).add(name, role, password)
    except ValueError as exc:
        _fail(str(exc))
    typer.echo(f"saved {name} ({role}) in {users}")


@users_app.command("list")
def users_list(users: Path = typer.Option(DEFAULT_USERS, "--users", help="Users file.")) -> None:
    """List users and their roles."""
    from distillguard.dashboard.auth import UserStore

    for user in UserStore(users).users():
        typer.echo(f"{user.name}\t{user.role}\t{len(user.tokens)} token(s)")


@users_app.command("remove")
def users_remove(name: str = typer.Argument(...), users: Path = typer.Option(DEFAULT_USERS, "--users", help="Users file.")) -> None:
    """Remove a user."""
    from distillguard.dashboard.auth import UserStore

    if not UserStore(users).remove(name):
        _fail(f"no user {name} in {users}")
    typer.echo(f"removed {name}")


@users_app.command("token")
def users_token(name: str = typer.Argument(...), users: Path = typer.Option(DEFAULT_USERS, "--users", help="Users file.")) -> None:
    """Issue an API bearer token for a user (printed once; only its hash is stored)."""
    from distillguard.dashboard.auth import UserStore

    store = UserStore(users)
    if store.get(name) is None:
        _fail(f"no user {name} in {users}")
    typer.echo(store.new_token(name))


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")

    @app.command("serve")
    def serve_command(
        db: Path = typer.Option(Path("distillguard.duckdb"), "--db", help="The store a scan filled (`distillguard scan EVENTS --db FILE`)."),
        port: int = typer.Option(8090, "--port", help="Port to listen on."),
        host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (keep loopback unless behind a TLS proxy)."),
        users: Path = typer.Option(DEFAULT_USERS, "--users", help="Users file (`distillguard users add NAME --role analyst`)."),
        gateway_url: Optional[str] = typer.Option(None, "--gateway-url", help="Gateway admin API base URL; actions are sent there too."),
        gateway_token_env: str = typer.Option("DISTILLGUARD_GATEWAY_TOKEN", "--gateway-token-env", help="Environment variable holding the gateway admin token."),
        intel_sent: Optional[List[Path]] = typer.Option(None, "--intel-sent", help="Bundles written by `intel export` (file or folder; repeatable)."),
        intel_received: Optional[List[Path]] = typer.Option(None, "--intel-received", help="Folder of bundles from `intel poll --out-dir` (repeatable)."),
        intel_matches: Optional[List[Path]] = typer.Option(None, "--intel-matches", help="JSONL from `intel match --out` (repeatable)."),
        secure_cookies: bool = typer.Option(False, "--secure-cookies", help="Mark cookies Secure (when served over HTTPS)."),
        hold_store: bool = typer.Option(False, "--hold-store", help="Keep the store open between requests (a little faster; "
                                        "`distillguard scan --db` on the same file must then wait for the dashboard to stop)."),
    ) -> None:
        """Serve the analyst dashboard over a scan's store: campaigns, accounts, review queue, audit trail, intel.

        Example: distillguard users add alice --role analyst && distillguard serve --db distillguard.duckdb --port 8090
        """
        if not db.exists():
            _fail(f"{db} does not exist; fill it first with `distillguard scan EVENTS --db {db}`")
        from distillguard.dashboard.auth import UserStore

        if not UserStore(users).users():
            _fail(f"no users in {users}; add one first: distillguard users add NAME --role admin --users {users}")
        token = None
        if gateway_url:
            token = os.environ.get(gateway_token_env)
            if not token:
                _fail(f"--gateway-url needs the admin token in ${gateway_token_env}")
        import duckdb
        import uvicorn

        from distillguard.dashboard.app import create_app
        from distillguard.dashboard.data import StoreBusy

        try:
            app = create_app(db, users, gateway_url=gateway_url, gateway_token=token, secure_cookies=secure_cookies,
                             intel={"sent": intel_sent or [], "received": intel_received or [], "matches": intel_matches or []},
                             hold_store=hold_store)
        except (duckdb.IOException, StoreBusy) as exc:
            _fail(f"cannot open {db}: {str(exc).splitlines()[0]} (is a scan writing to it?)")
        import threading

        threading.Thread(target=app.state.warm, name="dashboard-warm", daemon=True).start()
        typer.echo(f"dashboard on http://{host}:{port}/ (store {db}, users {users})", err=True)
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
