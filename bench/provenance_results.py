"""Sections of bench/results/provenance.md (and .json): figures of the provenance benches.

Same section format as bench/RESULTS.md, in a file of its own, so a reduced run on a busy
machine can record what it measured (command, date, load) without touching RESULTS.md;
`make bench` still writes RESULTS.md through bench.results_io.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from bench.results_io import today

RESULTS_DIR = Path(__file__).resolve().parent / "results"
MD = RESULTS_DIR / "provenance.md"
JSON = RESULTS_DIR / "provenance.json"
HEADER = (
    "# Provenance figures (issue 18)\n\n"
    "Radioactivity of fine-tuned students, cohort tracing, fingerprint attribution and speed. Each section "
    "names the command, the date and the machine load it ran under.\n"
)


def load_note() -> str:
    """One line on how busy the machine was (figures on a shared 2-core box are slow, not wrong)."""
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "load unknown"
    return f"{os.cpu_count()} CPUs, load average {one:.1f} (1 min) / {five:.1f} (5 min) at the end of the run"


def write_section(name: str, data: dict, markdown: str, command: str) -> None:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    results = json.loads(JSON.read_text()) if JSON.exists() else {}
    results[name] = data
    JSON.write_text(json.dumps(results, indent=2, sort_keys=True, default=float) + "\n")
    text = MD.read_text() if MD.exists() else HEADER
    block = (f"<!-- section:{name} -->\n## {name}\n\nCommand: `{command}`  \nRun on: {today()}; {load_note()}\n\n"
             f"{markdown.strip()}\n<!-- /section:{name} -->")
    pattern = re.compile(rf"<!-- section:{re.escape(name)} -->.*?<!-- /section:{re.escape(name)} -->", re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    MD.write_text(text)
