"""Writes the sections of bench/results/peer.md (analyst loop, LabRAI/MMD), each replaced on its own.

Each section carries the command that reproduced it, the date and a machine-load note, so the
lead can fold the figures into bench/RESULTS.md without re-running anything.
"""

from __future__ import annotations

import os
import platform
import re
from datetime import datetime, timezone
from pathlib import Path

PEER_MD = Path(__file__).resolve().parent / "results" / "peer.md"
HEADER = ("# Analyst loop and public-peer (LabRAI / MMD) benchmarks\n\n"
          "Written by `bench/analyst_loop_bench.py` and `bench/labrai_bench.py`; each section names the command "
          "that reproduces it.\n")


def machine_note() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{platform.machine()}, {os.cpu_count()} cores, load average {load:.2f} at the end of the run"


def write_section(name: str, body: str, command: str, path: Path = PEER_MD) -> None:
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    block = (f"<!-- section:{name} -->\n## {name}\n\nCommand: `{command}`  \nRun: {stamp}; {machine_note()}.\n\n"
             f"{body.rstrip()}\n<!-- /section:{name} -->\n")
    text = path.read_text() if path.exists() else HEADER
    pattern = re.compile(rf"<!-- section:{re.escape(name)} -->.*?<!-- /section:{re.escape(name)} -->\n", re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
