"""Analyst decisions as labels.

Where decisions live:
  * the DuckDB store's `audit` table (the dashboard writes it): `approve` = the detection is
    right (attack), `override` = a false positive (legit), `unblock` = back to automatic policy
    (withdraws the account's label);
  * the gateway's audit SQLite (`<state-dir>/audit.sqlite`): rows by actor `admin:<name>` with
    `override:block` (attack), `override:allow` (legit), `override:unblock` / `override:reset`
    (withdrawn); automatic policy rows are not analyst decisions and are ignored;
  * a labels JSONL: `{"account_id": ..., "label": "attack"|"legit"}` (the benchmark label format)
    or `{"account_id": ..., "decision": "block"|"allow"}`.

The latest decision per account wins. A malformed labels line is an error naming file, line and
field, never silently skipped.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from distillguard.learning.jsonl import numbered_objects

ATTACK, LEGIT = 1, 0

# action -> label (None withdraws an earlier decision)
DASHBOARD_ACTIONS = {"approve": ATTACK, "override": LEGIT, "unblock": None}
GATEWAY_ACTIONS = {"override:block": ATTACK, "override:allow": LEGIT, "override:unblock": None, "override:reset": None}
JSONL_VALUES = {"attack": ATTACK, "block": ATTACK, "legit": LEGIT, "allow": LEGIT}


class DecisionError(ValueError):
    """A decision source that cannot be read; the message names file, line and field."""


@dataclass(frozen=True)
class Decision:
    account_id: str
    label: int | None  # None: withdrawn
    ts: str            # sortable timestamp (ISO 8601) or a line number for files
    source: str


def latest_labels(decisions: list[Decision]) -> dict[str, int]:
    """account -> label from the latest decision per account; withdrawn accounts are left out."""
    latest: dict[str, Decision] = {}
    for decision in sorted(decisions, key=lambda d: d.ts):
        latest[decision.account_id] = decision
    return {a: d.label for a, d in latest.items() if d.label is not None}


def from_store(db: Path) -> list[Decision]:
    """Dashboard decisions in the DuckDB store (read-only; a store without an audit table has none)."""
    import duckdb

    if not db.exists():
        raise DecisionError(f"{db}: no such store")
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = {row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "audit" not in tables:
            return []
        rows = con.execute("SELECT account_id, action, CAST(ts AS VARCHAR) FROM audit WHERE account_id IS NOT NULL "
                           "AND action IN ('approve', 'override', 'unblock')").fetchall()
    finally:
        con.close()
    return [Decision(a, DASHBOARD_ACTIONS[action], ts or "", "dashboard") for a, action, ts in rows]


def from_gateway_audit(path: Path) -> list[Decision]:
    """Analyst overrides in the gateway's audit SQLite; rows by the policy or the scorer are not decisions."""
    if not path.exists():
        raise DecisionError(f"{path}: no such gateway audit file")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT account_id, action, ts, id FROM audit WHERE actor LIKE 'admin:%' AND account_id IS NOT NULL "
                          "ORDER BY id").fetchall()
    except sqlite3.DatabaseError as exc:
        raise DecisionError(f"{path}: not a gateway audit database ({exc})") from None
    finally:
        db.close()
    return [Decision(a, GATEWAY_ACTIONS[action], f"{ts}#{row_id:012d}", "gateway")
            for a, action, ts, row_id in rows if action in GATEWAY_ACTIONS]


def from_jsonl(path: Path) -> list[Decision]:
    """Labels or decisions, one JSON object a line; blank lines are allowed, anything else malformed is an error."""
    if not path.exists():
        raise DecisionError(f"{path}: no such labels file")
    out = []
    for number, row in numbered_objects(path, DecisionError):
        if not isinstance(row, dict):
            raise DecisionError(f"{path}:{number}: expected an object")
        account = row.get("account_id")
        if not isinstance(account, str) or not account:
            raise DecisionError(f"{path}:{number}: field account_id: missing or not a string")
        field = "label" if "label" in row else "decision"
        value = row.get(field)
        if value not in JSONL_VALUES:
            raise DecisionError(f"{path}:{number}: field {field}: {value!r} is not one of {sorted(JSONL_VALUES)}")
        out.append(Decision(account, JSONL_VALUES[value], f"{number:012d}", path.name))
    return out
