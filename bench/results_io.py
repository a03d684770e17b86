"""Shared writer for bench/results.json and bench/RESULTS.md.

Each benchmark owns one named section; writing it replaces only that section, so
benchmarks of different parts can run separately (or concurrently) without
clobbering each other's figures.
"""

from __future__ import annotations

import fcntl
import json
import re
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_JSON = BENCH_DIR / "results.json"
RESULTS_MD = BENCH_DIR / "RESULTS.md"
_LOCK = BENCH_DIR / ".results.lock"

_MD_HEADER = (
    "# distillguard benchmark results\n\n"
    "Every figure below was measured by a script under `bench/`; each section names the command that "
    "reproduces it and the date it was run. Corpora: `../shared/data` (see its MANIFEST.md).\n"
)


@contextmanager
def _locked():
    _LOCK.touch(exist_ok=True)
    with open(_LOCK) as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def today() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d")


def update_section(name: str, data: dict, markdown: str, command: str) -> None:
    """Replace section `name` in results.json and RESULTS.md.

    `markdown` is the section body (tables, image links); the heading, the command
    and the date are added here so every section states how it was produced.
    """
    with _locked():
        results = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {}
        results[name] = data
        RESULTS_JSON.write_text(json.dumps(results, indent=2, sort_keys=True, default=float) + "\n")

        text = RESULTS_MD.read_text() if RESULTS_MD.exists() else _MD_HEADER
        block = (
            f"<!-- section:{name} -->\n## {name}\n\n"
            f"Command: `{command}`  \nRun on: {today()}\n\n{markdown.strip()}\n<!-- /section:{name} -->"
        )
        pattern = re.compile(rf"<!-- section:{re.escape(name)} -->.*?<!-- /section:{re.escape(name)} -->", re.S)
        text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
        RESULTS_MD.write_text(text)
