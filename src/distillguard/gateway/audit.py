"""The audit trail: one row per enforcement action, with the evidence behind it.

SQLite file (default `<state-dir>/audit.sqlite`, WAL mode so readers such as the dashboard
never block the gateway). One table:

    audit(
      id            INTEGER PRIMARY KEY,  -- insertion order
      ts            TEXT,     -- RFC 3339 UTC, when the action was taken
      actor         TEXT,     -- 'policy' (the gateway), 'scorer' (a new flag), 'admin:<name>' (an analyst)
      account_id    TEXT,
      campaign_id   TEXT,     -- NULL when the account is not linked to a campaign
      action        TEXT,     -- block | hold | throttle | degrade | degrade+throttle | allow | flag |
                              -- override:allow | override:block | override:unblock | override:hold | override:reset |
                              -- scorer_error
      reason        TEXT,     -- one line a person reads
      evidence_json TEXT,     -- JSON: risk, flagged, band, findings [{detector, score, summary}], reasons …
      request_id    TEXT      -- the gateway request id that triggered it (NULL for analyst actions)
    )

Rows are only ever inserted. Requests the policy simply allows are not written unless the
policy sets `audit_allow: true`; every other action is, one row per refused or modified request.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from distillguard.gateway.files import ensure_private

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY,
  ts TEXT NOT NULL,
  actor TEXT NOT NULL,
  account_id TEXT,
  campaign_id TEXT,
  action TEXT NOT NULL,
  reason TEXT,
  evidence_json TEXT,
  request_id TEXT
);
CREATE INDEX IF NOT EXISTS audit_account ON audit(account_id, id);
"""

COLUMNS = ("id", "ts", "actor", "account_id", "campaign_id", "action", "reason", "evidence_json", "request_id")


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class AuditLog:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        ensure_private(self.path)
        for suffix in ("-wal", "-shm"):
            if Path(str(self.path) + suffix).exists():
                ensure_private(str(self.path) + suffix)
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=10.0)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)

    def record(self, *, actor: str, account_id: str | None, action: str, reason: str, evidence: dict[str, Any] | None = None,
               campaign_id: str | None = None, request_id: str | None = None) -> None:
        self.db.execute(
            "INSERT INTO audit(ts, actor, account_id, campaign_id, action, reason, evidence_json, request_id) VALUES (?,?,?,?,?,?,?,?)",
            (now_iso(), actor, account_id, campaign_id, action, reason, json.dumps(evidence or {}, default=str, sort_keys=True), request_id),
        )

    def query(self, *, limit: int = 100, account_id: str | None = None, action: str | None = None,
              before_id: int | None = None) -> list[dict[str, Any]]:
        sql = f"SELECT {', '.join(COLUMNS)} FROM audit WHERE 1=1"
        args: list[Any] = []
        if account_id:
            sql += " AND account_id = ?"
            args.append(account_id)
        if action:
            sql += " AND action = ?"
            args.append(action)
        if before_id:
            sql += " AND id < ?"
            args.append(before_id)
        sql += " ORDER BY id DESC LIMIT ?"
        args.append(max(1, min(int(limit), 1000)))
        rows = []
        for values in self.db.execute(sql, args):
            row = dict(zip(COLUMNS, values))
            row["evidence"] = json.loads(row.pop("evidence_json") or "{}")
            rows.append(row)
        return rows

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM audit").fetchone()[0]

    def close(self) -> None:
        self.db.close()
