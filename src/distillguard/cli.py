"""The `distillguard` command: a thin shell over the Python API.

Each part of the package contributes its own commands through a `cli.register(app)`
function in its folder, so adding a capability never means editing this file twice.
Heavy imports (torch, Spark) stay inside command bodies so `--help` is instant.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="distillguard",
    help=(
        "Protect an LLM API against model extraction and distillation.\n\n"
        "Start with `distillguard demo` (simulate traffic with attacks, scan it, write a report), "
        "then `distillguard scan LOG.jsonl --out verdicts.jsonl --report report.html` on your own logs."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Parts that add commands, in the order they appear in --help.
_PARTS = (
    "distillguard.scan_cli",
    "distillguard.simulate.cli",
    "distillguard.gateway.cli",
    "distillguard.dashboard.cli",
    "distillguard.watermark.cli",
    "distillguard.fingerprint.cli",
    "distillguard.intel.cli",
    "distillguard.engines.cli",
)

for _module_name in _PARTS:
    try:
        _module = importlib.import_module(_module_name)
    except ModuleNotFoundError as exc:  # a part not built yet, or its optional extra missing
        if exc.name and exc.name.startswith("distillguard"):
            continue
        raise
    _module.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
