"""The hub's embedded storage: one SQLite file (stdlib), no server to run.

Objects are kept per collection and version; `date_added` is strictly increasing
(microsecond resolution) so `added_after` and the `next` cursor page without
gaps or repeats even when many objects arrive in the same instant. Versions are
ordered by their parsed timestamp (`version_key`, fixed-width UTC), never by the
string a publisher wrote (`...00Z` and `...00.500Z` do not sort as text).
An object id belongs to the provider that first published it, in any collection.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    type TEXT NOT NULL,
    version TEXT NOT NULL,
    date_added TEXT NOT NULL,
    publisher TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (collection, id, version)
);
CREATE INDEX IF NOT EXISTS objects_by_added ON objects (collection, date_added);
CREATE INDEX IF NOT EXISTS objects_by_id ON objects (id);
CREATE TABLE IF NOT EXISTS statuses (id TEXT PRIMARY KEY, body TEXT NOT NULL);
"""


def fmt_ts(ts: datetime) -> str:
    return ts.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_ts(value: str) -> datetime:
    """RFC 3339 timestamp as TAXII sends it; raises ValueError."""
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("timestamp has no timezone")
    try:
        return parsed.astimezone(timezone.utc)
    except OverflowError:
        raise ValueError("timestamp out of range") from None


def version_key(version: str) -> str:
    """A version timestamp as a fixed-width UTC string, so text order is time order."""
    try:
        return fmt_ts(parse_ts(version))
    except (ValueError, AttributeError):
        return "0000-00-00T00:00:00.000000Z"


class ObjectOwned(PermissionError):
    """An object id that another provider published first."""

    def __init__(self, index: int, obj_id: str) -> None:
        super().__init__(f"objects[{index}] ({obj_id}): this object id was first published by another provider; only it may add versions")


class HubStore:
    def __init__(self, path: Path | str) -> None:
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._migrate()
        self._lock = threading.Lock()
        row = self._db.execute("SELECT MAX(date_added) FROM objects").fetchone()
        self._last = parse_ts(row[0]) if row and row[0] else None

    def close(self) -> None:
        self._db.close()

    def _migrate(self) -> None:
        """Hubs created before version_key existed: add the column and fill it from the stored versions."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(objects)")}
        if "version_key" not in columns:
            self._db.execute("ALTER TABLE objects ADD COLUMN version_key TEXT")
        rows = self._db.execute("SELECT seq, version FROM objects WHERE version_key IS NULL").fetchall()
        for seq, version in rows:
            self._db.execute("UPDATE objects SET version_key = ? WHERE seq = ?", (version_key(version), seq))

    def owners(self, ids: list[str]) -> dict[str, str]:
        """object id -> the provider that first published it (for the ids already on the hub)."""
        with self._lock:
            return self._owners(ids)

    def _owners(self, ids: list[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), 500):
            chunk = unique[start:start + 500]
            rows = self._db.execute(
                f"SELECT id, publisher FROM objects WHERE id IN ({','.join('?' * len(chunk))}) ORDER BY seq DESC", chunk).fetchall()
            out.update(rows)  # descending seq: the first publisher is written last and wins
        return out

    def _next_added(self) -> datetime:
        now = datetime.now(timezone.utc)
        if self._last is not None and now <= self._last:
            now = self._last + timedelta(microseconds=1)
        self._last = now
        return now

    def add(self, collection: str, objects: list[dict], publisher: str, shared_ids: frozenset[str] = frozenset()) -> tuple[list[dict], list[dict]]:
        """Store objects; returns (successes, failures) as TAXII status details.

        Raises ObjectOwned (nothing stored) when an id other than `shared_ids` was first
        published by someone else; checked inside the write lock, so two racing first
        publications cannot both win."""
        ok, failed = [], []
        with self._lock:
            self._db.execute("BEGIN")
            try:
                owners = self._owners([obj["id"] for obj in objects if obj["id"] not in shared_ids])
                for i, obj in enumerate(objects):
                    if owners.get(obj["id"], publisher) != publisher:
                        raise ObjectOwned(i, obj["id"])
                for obj in objects:
                    version = obj.get("modified") or obj.get("created") or "1970-01-01T00:00:00Z"
                    detail = {"id": obj["id"], "version": version}
                    if obj["type"] == "marking-definition" and self._db.execute(
                            "SELECT 1 FROM objects WHERE collection = ? AND id = ?", (collection, obj["id"])).fetchone():
                        failed.append(dict(detail, message="marking definitions are immutable; this id is already in the collection"))
                        continue
                    added = fmt_ts(self._next_added())
                    cur = self._db.execute(
                        "INSERT OR IGNORE INTO objects (collection, id, type, version, date_added, publisher, body, version_key) "
                        "VALUES (?,?,?,?,?,?,?,?)",
                        (collection, obj["id"], obj["type"], version, added, publisher, json.dumps(obj, separators=(",", ":")),
                         version_key(version)),
                    )
                    if cur.rowcount:
                        ok.append(detail)
                    else:  # the same version again: TAXII treats it as already present
                        failed.append(dict(detail, message="this version of the object is already in the collection"))
                self._db.execute("COMMIT")
            except Exception:
                self._db.execute("ROLLBACK")
                raise
        return ok, failed

    def query(
        self,
        collection: str,
        added_after: datetime | None = None,
        limit: int = 100,
        after_seq: int = 0,
        ids: list[str] | None = None,
        types: list[str] | None = None,
        versions: str = "last",
    ) -> tuple[list[tuple[int, str, str, str]], bool]:
        """Rows (seq, date_added, version, body) in date_added order, and whether more remain."""
        sql = ["SELECT seq, date_added, version, body FROM objects o WHERE collection = ? AND seq > ?"]
        args: list = [collection, after_seq]
        if added_after is not None:
            sql.append("AND date_added > ?")
            args.append(fmt_ts(added_after))
        if ids:
            sql.append(f"AND id IN ({','.join('?' * len(ids))})")
            args += ids
        if types:
            sql.append(f"AND type IN ({','.join('?' * len(types))})")
            args += types
        if versions in ("last", "first"):
            agg = "MAX" if versions == "last" else "MIN"
            sql.append(f"AND version_key = (SELECT {agg}(version_key) FROM objects p WHERE p.collection = o.collection AND p.id = o.id)")
        elif versions != "all":
            wanted = [version_key(v) for v in versions.split(",") if v]
            sql.append(f"AND version_key IN ({','.join('?' * len(wanted))})")
            args += wanted
        sql.append("ORDER BY seq LIMIT ?")
        args.append(limit + 1)
        with self._lock:
            rows = self._db.execute(" ".join(sql), args).fetchall()
        return rows[:limit], len(rows) > limit

    def versions(self, collection: str, obj_id: str) -> list[tuple[str, str]]:
        with self._lock:
            return self._db.execute(
                "SELECT version, date_added FROM objects WHERE collection = ? AND id = ? ORDER BY version_key", (collection, obj_id)
            ).fetchall()

    def save_status(self, status: dict) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO statuses (id, body) VALUES (?, ?)", (status["id"], json.dumps(status)))

    def status(self, status_id: str) -> dict | None:
        with self._lock:
            row = self._db.execute("SELECT body FROM statuses WHERE id = ?", (status_id,)).fetchone()
        return json.loads(row[0]) if row else None
