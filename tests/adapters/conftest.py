"""Helpers for adapter tests: read a fixture through its adapter into validated events."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def read_events(*paths: Path, fmt: str = "auto", options: dict | None = None):
    """(events, rejects sink, formats) of files read the way `scan` reads them."""
    from distillguard.adapters import AdaptedReader, resolve_formats
    from distillguard.events.readers import RejectSink

    files = [Path(p) for p in paths]
    formats = resolve_formats(files, fmt, options)
    reader = AdaptedReader(formats, options)
    sink = RejectSink()
    events = [event for path in files for _, event in reader.iter_file(path, sink)]
    return events, sink, formats


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(autouse=True)
def _run_in_tmp(tmp_path, monkeypatch):
    """CLI defaults (verdicts.jsonl, its rejects file, the store) land in the test's folder, not the checkout."""
    monkeypatch.chdir(tmp_path)
