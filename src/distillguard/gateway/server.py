"""How the gateway is served: the fastest installed HTTP stack for uvicorn."""

from __future__ import annotations


def fast_server_options() -> dict[str, str]:
    """uvloop and httptools when installed (the `services` extra pins them), else uvicorn's defaults."""
    import importlib.util

    options = {}
    if importlib.util.find_spec("uvloop"):
        options["loop"] = "uvloop"
    if importlib.util.find_spec("httptools"):
        options["http"] = "httptools"
    return options
