"""Progress with percentage and ETA for long CLI work (simulate, intel export, intel match).

    with progress_bar("reading events", unit="MB", scale=1e-6) as update:
        for ...: update(done, total)

Drawn on stderr by rich (a typer dependency) only when stderr is a terminal; in logs and
pipes it prints one plain line per 10 % instead, so a CI log still shows it moving.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Callable, Iterator


def _fmt(seconds: float) -> str:
    seconds = int(max(0, seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 else f"{seconds // 60}:{seconds % 60:02d}"


class PlainProgress:
    """One line per `step` of progress: 'label: 40% (12 / 30 MB), 0:08 elapsed, ETA 0:12'."""

    def __init__(self, label: str, unit: str = "", scale: float = 1.0, stream=None, step: float = 0.1) -> None:
        self.label, self.unit, self.scale, self.step = label, unit, scale, step
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.next_mark = step
        self.last: tuple[float, float] = (0.0, 0.0)

    def line(self, done: float, total: float) -> str:
        fraction = min(1.0, done / total) if total else 0.0
        elapsed = time.monotonic() - self.started
        eta = f", ETA {_fmt(elapsed / fraction - elapsed)}" if 0 < fraction < 1 else ""
        unit = f" {self.unit}" if self.unit else ""
        return (f"{self.label}: {fraction:.0%} ({done * self.scale:,.0f} / {total * self.scale:,.0f}{unit}), "
                f"{_fmt(elapsed)} elapsed{eta}")

    def update(self, done: float, total: float) -> None:
        self.last = (done, total)
        if total and done / total >= self.next_mark and done < total:
            while self.next_mark <= done / total:
                self.next_mark += self.step
            print(self.line(done, total), file=self.stream, flush=True)

    def finish(self) -> None:
        done, total = self.last
        if total:
            print(self.line(total, total), file=self.stream, flush=True)


@contextmanager
def progress_bar(label: str, unit: str = "", scale: float = 1.0, stream=None) -> Iterator[Callable[[float, float], None]]:
    stream = stream or sys.stderr
    if not (hasattr(stream, "isatty") and stream.isatty()):
        plain = PlainProgress(label, unit, scale, stream)
        yield plain.update
        plain.finish()
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
               TextColumn("{task.fields[amount]}"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, console=Console(file=stream), transient=False) as bar:
        task = bar.add_task(label, total=None, amount="")

        suffix = f" {unit}" if unit else ""

        def update(done: float, total: float) -> None:
            bar.update(task, completed=done, total=total or None, amount=f"{done * scale:,.0f}/{total * scale:,.0f}{suffix}")
        yield update


def stream_position(handle) -> int:
    """Bytes of the underlying file consumed so far, for text handles over plain or gzip files (0 when unknown)."""
    raw = getattr(handle, "buffer", handle)
    inner = getattr(raw, "fileobj", None) or getattr(raw, "_fp", None) or raw
    try:
        return int(inner.tell())
    except (OSError, ValueError, AttributeError):
        return 0
