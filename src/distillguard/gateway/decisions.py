"""Analysts' decisions and the gateway's flags, durable on local disk (SQLite, no server needed).

Overrides (allow, block, hold, reviewed; a block may carry an expiry), the review queue and
the flags the scorer raised are written here before the admin call returns (synchronous=FULL,
so an acknowledged decision survives `kill -9` and a power cut). Without Redis this is the
gateway's state; with Redis it is written through and serves as the local cache that keeps
known-bad accounts refused while Redis is unreachable (see `state`).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from distillguard.gateway.files import ensure_private

SCHEMA = """
CREATE TABLE IF NOT EXISTS override (account_id TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at REAL, set_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS review (account_id TEXT PRIMARY KEY, item_json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS flag (account_id TEXT PRIMARY KEY, info_json TEXT NOT NULL);
"""


class DecisionStore:
    """Reads come from memory (loaded at open); every change is written to SQLite first."""

    def __init__(self, path: str | Path | None) -> None:
        """`path` None: in memory only (tests, and a gateway embedding its own state)."""
        self.path = ensure_private(path) if path is not None else None
        for suffix in ("-wal", "-shm"):
            if self.path is not None and Path(str(self.path) + suffix).exists():
                ensure_private(str(self.path) + suffix)
        self._lock = threading.Lock()
        self.db = sqlite3.connect(self.path or ":memory:", isolation_level=None, check_same_thread=False, timeout=10.0)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)
        self.overrides: dict[str, tuple[str, float | None]] = {
            a: (v, e) for a, v, e in self.db.execute("SELECT account_id, value, expires_at FROM override")}
        self.review = {a: json.loads(j) for a, j in self.db.execute("SELECT account_id, item_json FROM review")}
        self.flags = {a: json.loads(j) for a, j in self.db.execute("SELECT account_id, info_json FROM flag")}

    def override(self, account_id: str) -> str | None:
        entry = self.overrides.get(account_id)
        if entry is None:
            return None
        value, expires_at = entry
        if expires_at is not None and time.time() >= expires_at:
            return None
        return value

    def override_entry(self, account_id: str) -> tuple[str, float | None] | None:
        return self.overrides.get(account_id)

    def set_override(self, account_id: str, value: str | None, expires_at: float | None = None) -> None:
        with self._lock:
            if value is None:
                self.db.execute("DELETE FROM override WHERE account_id = ?", (account_id,))
                self.overrides.pop(account_id, None)
            else:
                self.db.execute("INSERT OR REPLACE INTO override VALUES (?, ?, ?, ?)", (account_id, value, expires_at, time.time()))
                self.overrides[account_id] = (value, expires_at)

    def add_review(self, account_id: str, item: dict[str, Any]) -> bool:
        with self._lock:
            if account_id in self.review:
                return False
            self.db.execute("INSERT OR REPLACE INTO review VALUES (?, ?)", (account_id, json.dumps(item, default=str)))
            self.review[account_id] = item
            return True

    def remove_review(self, account_id: str) -> None:
        with self._lock:
            self.db.execute("DELETE FROM review WHERE account_id = ?", (account_id,))
            self.review.pop(account_id, None)

    def set_flag(self, account_id: str, info: dict[str, Any] | None) -> None:
        with self._lock:
            if info is None:
                self.db.execute("DELETE FROM flag WHERE account_id = ?", (account_id,))
                self.flags.pop(account_id, None)
            elif self.flags.get(account_id) != info:
                self.db.execute("INSERT OR REPLACE INTO flag VALUES (?, ?)", (account_id, json.dumps(info, default=str)))
                self.flags[account_id] = info

    def close(self) -> None:
        self.db.close()
