"""`python -m distillguard.gateway [OPTIONS]`: the gateway command alone.

The same command as `distillguard gateway`, without importing the other parts' commands
(the watermark part alone pulls in scipy), so a restarted gateway is serving sooner.
"""

from __future__ import annotations

import typer

from distillguard.gateway.cli import register

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
register(app)

if __name__ == "__main__":
    app()
