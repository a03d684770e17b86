"""Where live feeds put the events they build: a JSONL file (0600, appended) and/or the event bus.

Used by `distillguard collect` (OTLP/HTTP spans) and the LiteLLM feed callback, so both
write exactly what `scan` and the bus consumers read.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import orjson


class EventSink:
    """Appends API events (dicts) to a JSONL file and/or publishes them to a bus URL."""

    def __init__(self, jsonl: str | Path | None = None, bus_url: str | None = None, partitions: int | None = None) -> None:
        if jsonl is None and bus_url is None:
            raise ValueError("give a JSONL path, a bus URL, or both")
        self.path = Path(jsonl) if jsonl else None
        self.bus = None
        if bus_url:
            from distillguard.engines.bus import DEFAULT_PARTITIONS, open_bus

            self.bus = open_bus(bus_url, partitions or DEFAULT_PARTITIONS)
        self._lock = threading.Lock()
        self._handle = None
        self.written = 0

    def _file(self):
        if self._handle is None and self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # The file holds prompts: readable by its owner only, whatever the umask.
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            os.chmod(self.path, 0o600)
            self._handle = os.fdopen(fd, "ab")
        return self._handle

    def write(self, events: list[dict[str, Any]]) -> int:
        if not events:
            return 0
        with self._lock:
            handle = self._file()
            if handle is not None:
                handle.write(b"".join(orjson.dumps(e) + b"\n" for e in events))
                handle.flush()
            if self.bus is not None:
                self.bus.publish(events)
            self.written += len(events)
        return len(events)

    def close(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._handle.close()
                self._handle = None
            if self.bus is not None:
                self.bus.close()
