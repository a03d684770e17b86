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

# Parts that add commands, in the order they appear in --help, with the extra each needs.
_PARTS = (
    ("distillguard.scan_cli", None),
    ("distillguard.exports.cli", None),
    ("distillguard.adapters.cli", None),
    ("distillguard.simulate.cli", None),
    ("distillguard.learning.cli", None),
    ("distillguard.analyst_cli", None),
    ("distillguard.gateway.cli", "services"),
    ("distillguard.dashboard.cli", "services"),
    ("distillguard.watermark.cli", "watermark"),
    ("distillguard.fingerprint.cli", "fingerprint"),
    ("distillguard.intel.cli", "intel"),
    ("distillguard.engines.cli", "engines"),
)

_missing: list[str] = []
for _module_name, _extra in _PARTS:
    try:
        _module = importlib.import_module(_module_name)
    except ModuleNotFoundError as exc:
        if _extra is None:
            raise
        # An optional part whose extra is not installed: say how to get it instead of failing.
        _missing.append(f"{_module_name.split('.')[1]} (pip install 'distillguard[{_extra}]'; missing {exc.name})")
        continue
    _module.register(app)
if _missing:
    app.info.epilog = "Not installed here: " + "; ".join(_missing)


def main() -> None:
    import sys

    try:
        app()
    except ModuleNotFoundError as exc:  # an optional extra is missing: one line, not a traceback
        from distillguard.missing_extra import hint

        command = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), None)
        typer.echo(f"error: {hint(exc.name, command)}", err=True)
        raise SystemExit(3) from None


if __name__ == "__main__":
    main()
