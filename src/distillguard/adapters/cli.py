"""`distillguard collect`: receive OpenTelemetry GenAI spans over OTLP/HTTP and write API events."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

console = Console(stderr=True)


def register(app: typer.Typer) -> None:
    @app.command("formats")
    def formats_command() -> None:
        """List the log formats `scan` reads, what each cannot carry, and which detectors lose evidence then."""
        from rich.table import Table

        from distillguard.adapters import ADAPTERS, NATIVE, SUPPORTED
        from distillguard.adapters.evidence import lost_by_declaration

        table = Table(title="Log formats (scan detects them; --format NAME forces one)", show_lines=True)
        table.add_column("format", no_wrap=True)
        table.add_column("what it is")
        table.add_column("never carries")
        table.add_column("evidence lost")
        table.add_row(NATIVE, SUPPORTED[NATIVE], "", "")
        for name, cls in ADAPTERS.items():
            lost = lost_by_declaration(cls.fields_missing)
            table.add_row(name, cls.title, ", ".join(cls.fields_missing),
                          "; ".join(f"{f.name}: {', '.join(f.loses)}" for f in lost))
        Console().print(table)

    @app.command("collect")
    def collect_command(
        out: Optional[Path] = typer.Option(None, "--out", "-o", help="Append API events to this JSONL file (created 0600)."),
        bus: Optional[str] = typer.Option(None, "--bus", help="Also publish to this event bus (redis://, nats://, kafka://)."),
        partitions: Optional[int] = typer.Option(None, "--partitions", help="Partitions of the bus (default: the bus default)."),
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0 to accept from other hosts)."),
        port: int = typer.Option(4318, "--port", help="Port (4318 is OTLP/HTTP's)."),
        token_env: str = typer.Option("DISTILLGUARD_COLLECT_TOKEN", "--token-env",
                                      help="Environment variable holding a bearer token exporters must send (unset: no token)."),
    ) -> None:
        """Receive GenAI spans over OTLP/HTTP (JSON, or protobuf with the engines extra) and write API events.

        Example: distillguard collect --out events.jsonl  (then point a collector's otlphttp exporter, or an
        SDK's OTLP/HTTP exporter, at http://HOST:4318), and later: distillguard scan events.jsonl
        """
        from distillguard.adapters.collect import make_server
        from distillguard.adapters.sinks import EventSink

        if out is None and bus is None:
            console.print("[red]error:[/red] give --out FILE, --bus URL, or both: where the events go")
            raise typer.Exit(2)
        token = os.environ.get(token_env) or None
        if host not in ("127.0.0.1", "localhost", "::1") and not token:
            console.print(f"[yellow]warning:[/yellow] listening on {host} without a token; set {token_env} to require one")
        try:
            sink = EventSink(out, bus, partitions)
            server = make_server(sink, host, port, token)
        except (OSError, ValueError) as exc:
            console.print(f"[red]error:[/red] cannot start the receiver on {host}:{port}: {str(exc).splitlines()[0]}")
            raise typer.Exit(2)
        where = " and ".join(x for x in (str(out) if out else "", bus or "") if x)
        console.print(f"receiving OTLP/HTTP JSON on http://{host}:{server.server_address[1]}/v1/traces → {where} (Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
            sink.close()
            console.print(f"{server.accepted:,} events written, {server.rejected:,} spans rejected")
