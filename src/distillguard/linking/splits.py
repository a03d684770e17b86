"""Analyst splits of over-merged campaigns, kept in the store so they hold on every rescan.

A split names the accounts on one side; the campaign's other members are the other side.
`apply_to_engine` hands the splits to the linker before a scan links accounts (see
linking/evidence.py); `relink` re-links a stored scan at once, without new events, so the
dashboard can show the split campaigns straight away.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from distillguard.linking.evidence import apply_splits

SCHEMA = """
CREATE TABLE IF NOT EXISTS campaign_splits (split_id VARCHAR, campaign_id VARCHAR, account_id VARCHAR, side VARCHAR,
  actor VARCHAR, ts TIMESTAMPTZ, reason VARCHAR)
"""


class SplitError(ValueError):
    pass


def load(con) -> tuple[dict[str, dict[str, str]], str]:
    """({account: {split id: side}}, a signature that changes whenever the set of splits does)."""
    con.execute(SCHEMA)
    rows = con.execute("SELECT split_id, account_id, side FROM campaign_splits ORDER BY split_id, account_id").fetchall()
    labels: dict[str, dict[str, str]] = {}
    for split_id, account_id, side in rows:
        labels.setdefault(account_id, {})[split_id] = side
    signature = hashlib.sha256(repr(rows).encode()).hexdigest()[:16] if rows else ""
    return labels, signature


def record(con, campaign_id: str, members: list[str], side_a: list[str], actor: str, reason: str) -> str:
    """Store one split of `members` into `side_a` and the rest; returns its id."""
    chosen, everyone = set(side_a), set(members)
    if not chosen or not chosen < everyone:
        raise SplitError("choose some, but not all, of the campaign's members for one side")
    if not chosen <= everyone:
        raise SplitError("every account on a side must be a member of the campaign")
    split_id = "split-" + uuid.uuid4().hex[:12]
    now = datetime.now(timezone.utc)
    con.execute(SCHEMA)
    con.executemany("INSERT INTO campaign_splits VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(split_id, campaign_id, a, "a" if a in chosen else "b", actor, now, reason) for a in sorted(everyone)])
    return split_id


def apply_to_engine(engine, con) -> bool:
    """Give the engine's linker the stored splits; True when that means re-linking every account."""
    labels, signature = load(con)
    linker = apply_splits(engine.linker, labels, signature)
    changed = linker is not engine.linker
    engine.linker = linker
    return changed


def relink(db: str | Path) -> dict[str, Any]:
    """Re-link and re-score a stored scan under its splits (no new events read); returns counts."""
    from distillguard.alerts import after_scan
    from distillguard.pipeline import _campaign_json
    from distillguard.store.duckdb_store import Store

    store = Store(db)
    try:
        engine = store.load_engine()
        if engine is None:
            raise SplitError(f"{db} holds no batch scan to re-link (run `distillguard scan EVENTS --db {db}` first)")
        apply_to_engine(engine, store.con)
        verdicts, views = engine.finalize()
        campaigns = [_campaign_json(view, engine.threshold) for view in views]
        scan_id = store.next_scan_id()
        features = {account_id: state.features() for account_id, state in engine.states.items()}
        started = datetime.now(timezone.utc)
        store.write_results(scan_id, verdicts, campaigns, features)
        after_scan(store.con, scan_id, verdicts, campaigns, engine.config)
        store.save_engine(engine)
        flagged = sum(1 for v in verdicts if v["flagged"])
        store.record_scan(scan_id, started, [], 0, 0, len(verdicts), flagged, "relink")
        return {"scan_id": scan_id, "accounts": len(verdicts), "flagged": flagged, "campaigns": len(campaigns)}
    finally:
        store.close()
