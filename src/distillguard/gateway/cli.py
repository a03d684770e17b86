"""`distillguard gateway`: run the enforcement gateway in front of an OpenAI-compatible server."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

HELP = """Run the enforcement gateway: a proxy in front of an OpenAI-compatible server that scores every account as it sends requests and applies your policy (allow, degrade, throttle, hold, block) before forwarding.

Clients call the gateway exactly as they would call the upstream (POST /v1/chat/completions, /v1/completions, streaming or not) with their own API key; the keys file maps each key's sha256 to an account. The upstream's own key is read from the environment variable DISTILLGUARD_UPSTREAM_API_KEY; the admin API (/admin/..., /metrics) wants the bearer token in DISTILLGUARD_ADMIN_TOKEN (when unset, one is generated into STATE_DIR/admin-token).

Example:

  distillguard gateway --upstream http://127.0.0.1:8000/v1 --port 8080 --policy policy.yaml --keys keys.yaml

Every request becomes an api-event in STATE_DIR/events.jsonl (written to the OS before the response completes, fdatasynced every 0.1 s or, with --durability disk, before it completes); `distillguard scan --replay` over that file reaches the gateway's verdicts. See config/policy.example.yaml for the policy format.

Several replicas: give each --redis (shared blocks, buckets, review queue) and --bus (one event stream, so every replica scores all traffic). Analysts' decisions are kept in STATE_DIR/decisions.sqlite either way. `python -m distillguard.gateway` runs this same command and starts faster.

Already on LiteLLM? Run this without --upstream (it then serves only the guard API) and add the callback distillguard.gateway.litellm_hook.proxy_handler to LiteLLM's config; give it DISTILLGUARD_GUARD_TOKEN (set the same variable here), a token that can check and report but not act; see that module."""


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _lock_state_dir(state_dir: Path):
    """One gateway per state folder: two would interleave one event log and wait on each other's
    SQLite locks. The lock is the kernel's (flock), so it goes with the process, even on kill -9."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on Unix: no check
        return None
    import os

    handle = os.fdopen(os.open(state_dir / "gateway.lock", os.O_WRONLY | os.O_CREAT, 0o600), "w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        _fail(f"--state-dir {state_dir}: another gateway is running on it (it holds {state_dir / 'gateway.lock'})")
    return handle


def register(app: typer.Typer) -> None:
    @app.command("gateway", help=HELP, no_args_is_help=True)
    def gateway(
        upstream: Optional[str] = typer.Option(None, "--upstream", help="Base URL of the OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1. Leave out to serve only the guard API for the LiteLLM callback."),
        keys: Optional[Path] = typer.Option(None, "--keys", help="YAML file: sha256 of each client API key -> account (see distillguard.gateway.keys). Required with --upstream."),
        policy: Optional[Path] = typer.Option(None, "--policy", help="Policy YAML (hot-reloaded on change). Default: block flagged accounts, allow the rest."),
        port: int = typer.Option(8080, "--port", help="Port to listen on."),
        host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (default: loopback only)."),
        state_dir: Path = typer.Option(Path("gateway-state"), "--state-dir", help="Event log, audit database, scorer snapshot and admin token live here."),
        events_log: Optional[Path] = typer.Option(None, "--events-log", help="Event log file (default: STATE_DIR/events.jsonl)."),
        redis: Optional[str] = typer.Option(None, "--redis", help="redis://host:port/db shared by several gateway replicas (counters, blocklists, review queue). Default: in-process."),
        redis_timeout_ms: float = typer.Option(50.0, "--redis-timeout-ms", help="Longest wait for one Redis call; past it (or with Redis down) decisions come from the local store for a second (circuit breaker)."),
        bus: Optional[str] = typer.Option(None, "--bus", help="redis:// or nats:// event bus shared by replicas: every replica scores every replica's events, so a campaign spread over replicas is caught as on one gateway. Use with --redis."),
        rotate_mb: float = typer.Option(1024.0, "--log-rotate-mb", help="Start a new event-log segment (STATE_DIR/events.<time>-<n>.jsonl) once the log reaches this many MB, at the next snapshot. 0: never rotate. Replay segments in name order, then events.jsonl."),
        retain: int = typer.Option(10, "--log-retain", help="Rotated event-log segments to keep (the oldest beyond this are deleted once a newer snapshot covers them)."),
        scorer_config: Optional[Path] = typer.Option(None, "--scorer-config", help="Detection config YAML, as for `distillguard scan --config`."),
        workers: int = typer.Option(1, "--workers", help="Gateway processes accepting on the one port (one core each). Above 1 needs --redis and --bus: the workers share blocks, buckets and detection through them; each keeps its files in STATE_DIR/worker-<k>."),
        listen_fd: Optional[int] = typer.Option(None, "--listen-fd", hidden=True, help="(internal) serve on this inherited listening socket: a worker of --workers."),
        durability: str = typer.Option("process", "--durability", help="When a response may complete: 'process' (default) once its event is written to the OS (survives kill -9 and gateway crashes; an OS crash or power cut can lose the last 0.1 s of events; no disk flush on the request path), or 'disk' once it is fdatasynced (survives power cuts too; one disk flush per group of concurrent responses on the request path, i.e. one per request at low concurrency). Analysts' decisions are in SQLite either way."),
        snapshot_every: int = typer.Option(2000, "--snapshot-every", help="Save the scorer's state every N events (written off the request path, and at shutdown), so a restart replays at most that many events whatever the log's length. 0: only at shutdown."),
    ) -> None:
        import os
        import secrets

        if upstream is not None and not upstream.startswith(("http://", "https://")):
            _fail(f"--upstream must be an http:// or https:// URL, got {upstream!r}")
        if upstream is not None and keys is None:
            _fail("--keys is required with --upstream (it maps each client API key to an account)")
        if not 1 <= port <= 65535:
            _fail(f"--port must be between 1 and 65535, got {port}")
        if not 1 <= redis_timeout_ms <= 10000:
            _fail(f"--redis-timeout-ms must be between 1 and 10000, got {redis_timeout_ms:g}")
        if rotate_mb < 0 or retain < 0:
            _fail("--log-rotate-mb and --log-retain must be 0 or more")
        if rotate_mb and not snapshot_every:
            _fail("--log-rotate-mb needs --snapshot-every above 0 (a segment is closed at a snapshot)")
        if not 1 <= workers <= 256:
            _fail(f"--workers must be between 1 and 256, got {workers}")
        if workers > 1 and not (redis and bus):
            _fail("--workers above 1 needs --redis and --bus: the workers share blocks, buckets and detection through them")
        if durability not in ("disk", "process"):
            _fail(f"--durability must be disk or process, got {durability!r}")
        if snapshot_every < 0:
            _fail(f"--snapshot-every must be 0 or more, got {snapshot_every}")
        if redis and not redis.startswith(("redis://", "rediss://", "unix://")):
            _fail(f"--redis must be a redis:// URL, got {redis!r}")
        if bus and not bus.startswith(("redis://", "rediss://", "nats://", "tls://")):
            _fail(f"--bus must be a redis:// or nats:// URL, got {bus!r}")
        if keys is not None and not keys.is_file():
            _fail(f"--keys {keys}: file not found")
        if policy is not None and not policy.is_file():
            _fail(f"--policy {policy}: file not found")
        if scorer_config is not None and not scorer_config.is_file():
            _fail(f"--scorer-config {scorer_config}: file not found")

        from distillguard.gateway.keys import KeyStore
        from distillguard.gateway.policy import PolicyError, load_policy

        try:
            if policy is not None:
                load_policy(policy)
            if keys is not None:
                KeyStore.load(keys)
        except (PolicyError, ValueError) as exc:
            _fail(str(exc))
        try:
            state_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            _fail(f"--state-dir {state_dir}: {exc.strerror}")
        state_lock = _lock_state_dir(state_dir)  # held while this process runs
        token = os.environ.get("DISTILLGUARD_ADMIN_TOKEN")
        if not token:
            token_file = state_dir / "admin-token"
            if token_file.exists():
                token = token_file.read_text().strip()
            else:
                token = secrets.token_urlsafe(32)
                token_file.touch(mode=0o600)
                token_file.write_text(token + "\n")
            typer.echo(f"admin token: read it from {token_file} (or set DISTILLGUARD_ADMIN_TOKEN)", err=True)
        if len(token) < 16:
            _fail("DISTILLGUARD_ADMIN_TOKEN must be at least 16 characters")
        if workers > 1:
            import sys

            from distillguard.gateway.workers import supervise

            typer.echo(f"distillguard gateway on http://{host}:{port} -> {upstream or '(guard API only)'}, {workers} workers",
                       err=True)
            try:
                argv = sys.argv[1:]
                argv = argv[1:] if argv[:1] == ["gateway"] else argv  # `distillguard gateway ...` or `-m distillguard.gateway ...`
                status = supervise(argv, workers, host, port, state_dir, dict(os.environ, DISTILLGUARD_ADMIN_TOKEN=token))
            except OSError as exc:
                _fail(f"cannot listen on {host}:{port}: {exc.strerror}")
            raise typer.Exit(status)

        import uvicorn

        from distillguard.gateway.app import config_from_env, create_app
        from distillguard.gateway.server import fast_server_options

        app_ = create_app(config_from_env(
            upstream=upstream, keys_path=str(keys) if keys else None, state_dir=str(state_dir), admin_token=token,
            policy_path=str(policy) if policy else None, events_log=str(events_log) if events_log else None,
            redis_url=redis, redis_timeout_s=redis_timeout_ms / 1000.0, bus_url=bus, scorer_config=str(scorer_config) if scorer_config else None, snapshot_every=snapshot_every,
            rotate_bytes=int(rotate_mb * 1024 * 1024), retain_segments=retain, durability=durability))
        if listen_fd is None:
            typer.echo(f"distillguard gateway on http://{host}:{port} -> {upstream or '(guard API only)'}", err=True)
        # proxy_headers=False: the policy's trusted_proxies alone decide whether X-Forwarded-For counts
        options = dict(log_level="warning", access_log=False, timeout_graceful_shutdown=10, proxy_headers=False,
                       **fast_server_options())
        from distillguard.gateway.server import tune_gc

        tune_gc()
        if listen_fd is None:
            uvicorn.run(app_, host=host, port=port, **options)
        else:
            from distillguard.gateway.workers import inherited_listener

            uvicorn.Server(uvicorn.Config(app_, **options)).run(sockets=[inherited_listener(listen_fd)])
        if state_lock is not None:
            state_lock.close()
