"""Fixtures for the robustness suite: real (simulated-from-corpora when available) events as dicts."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest


@pytest.fixture(scope="session")
def real_events(small_sim) -> list[dict]:
    """A few hundred events of the shared simulated log, every persona and campaign represented."""
    lines = (Path(small_sim) / "events.jsonl").read_bytes().splitlines()
    return [orjson.loads(line) for line in lines[:: max(1, len(lines) // 400)]]


def write_jsonl(path: Path, records: list, newline_at_end: bool = True) -> Path:
    data = b"\n".join(r if isinstance(r, bytes) else orjson.dumps(r) for r in records)
    path.write_bytes(data + (b"\n" if newline_at_end else b""))
    return path


def event(i: int, account_id: str | None = None, **over) -> dict:
    base = {"request_id": f"r{i}", "ts": "2026-11-02T10:00:00Z", "account_id": account_id or f"a{i % 3}",
            "request": {"messages": [{"role": "user", "content": f"hello number {i}, please summarise this text"}], "max_tokens": 100}}
    base.update(over)
    return base
