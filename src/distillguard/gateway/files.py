"""Files that hold prompts, completions or analysts' decisions: owner-only (0600), from creation.

A file created with the default umask is world-readable (0644) until someone notices; these
are created 0600 (and an existing one is narrowed to 0600 when opened), so other local users
never read the traffic. SQLite creates its -wal/-shm files with the database file's mode.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE = 0o600


def ensure_private(path: str | Path) -> Path:
    """Create `path` empty with mode 0600 if it does not exist; narrow it to 0600 if it does."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE)
    try:
        os.fchmod(fd, PRIVATE)
    finally:
        os.close(fd)
    return path


def write_private(path: str | Path, data: bytes, *, sync: bool = True) -> None:
    """Write `data` to `path` (created 0600, truncated), fsynced when `sync`."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    try:
        os.fchmod(fd, PRIVATE)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)
