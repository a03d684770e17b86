"""What was flagged at which scan, so a rescan can tell new and growing campaigns from known ones.

`flag_history` keeps, per flagged account and campaign, the scan that first flagged it and
its size then and now; the dashboard's "new since last scan" and the alerts read it.
Campaign ids are derived from the earliest member, so a campaign that grows keeps its id.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pyarrow as pa

from distillguard.store.duckdb_store import insert_rows

SCHEMA = """
CREATE TABLE IF NOT EXISTS flag_history (kind VARCHAR, id VARCHAR, first_scan INTEGER, last_scan INTEGER, members INTEGER,
  alerted_size INTEGER, member_ids JSON);
ALTER TABLE flag_history ADD COLUMN IF NOT EXISTS member_ids JSON;
"""
_ROW_TYPES = (pa.string(), pa.string(), pa.int32(), pa.int32(), pa.int32(), pa.int32(), pa.string())
SAME_CAMPAIGN_SHARE = 0.5  # a campaign under a new id that holds this share of a known one's members is that one, grown
log = logging.getLogger(__name__)


def _match(members: set[str], known: dict[str, set[str]], taken: set[str]) -> str | None:
    """The known campaign this one continues (its id changes when a new earliest member joins)."""
    best, best_share = None, 0.0
    for campaign_id, before in known.items():
        if campaign_id in taken or not before:
            continue
        share = len(before & members) / len(before)
        if share > best_share:
            best, best_share = campaign_id, share
    return best if best_share >= SAME_CAMPAIGN_SHARE else None


def update(con, scan_id: int, verdicts: list[dict], campaigns: list[dict], grow_past: list[int]) -> list[dict[str, Any]]:
    """Record this scan's flags; return alert events: {kind: new|grew, campaign_id, members, risk, was, threshold}."""
    con.execute(SCHEMA)
    rows = con.execute("SELECT kind, id, members, alerted_size, member_ids FROM flag_history").fetchall()
    known = {(k, i): (members, alerted) for k, i, members, alerted, _ in rows}
    known_members = {i: set(json.loads(m or "[]")) for k, i, _, _, m in rows if k == "campaign"}
    first_scan = not rows
    events, rows_new, rows_seen, taken = [], [], [], set()
    for c in campaigns:
        if not c.get("flagged"):
            continue
        size, campaign_id = int(c["members"]), c["campaign_id"]
        members = set(c.get("member_ids") or [])
        previous = campaign_id if ("campaign", campaign_id) in known else _match(members, known_members, taken)
        if previous is None:
            rows_new.append(("campaign", campaign_id, scan_id, scan_id, size, size, json.dumps(sorted(members))))
            events.append({"kind": "new", "campaign_id": campaign_id, "members": size, "risk": c["risk"],
                           "findings": c.get("findings") or [], "initial_scan": first_scan})
            continue
        taken.add(previous)
        before, alerted = known[("campaign", previous)]
        crossed = [t for t in sorted(grow_past) if (alerted or 0) < t <= size]
        if crossed:
            events.append({"kind": "grew", "campaign_id": campaign_id, "members": size, "was": before, "threshold": crossed[-1],
                           "risk": c["risk"], "findings": c.get("findings") or []})
        con.execute("UPDATE flag_history SET id = ?, last_scan = ?, members = ?, alerted_size = ?, member_ids = ? "
                    "WHERE kind = 'campaign' AND id = ?",
                    [campaign_id, scan_id, size, max(alerted or 0, size) if crossed else alerted, json.dumps(sorted(members)), previous])
    for v in verdicts:
        if v.get("flagged"):
            if ("account", v["account_id"]) in known:
                rows_seen.append((scan_id, v["account_id"]))
            else:
                rows_new.append(("account", v["account_id"], scan_id, scan_id, None, None, None))
    insert_rows(con, "flag_history", rows_new, _ROW_TYPES)
    if rows_seen:
        con.executemany("UPDATE flag_history SET last_scan = ? WHERE kind = 'account' AND id = ?", rows_seen)
    return events


def after_scan(con, scan_id: int, verdicts: list[dict], campaigns: list[dict], config: dict | None) -> list[dict[str, Any]]:
    """Update the history, then post alerts when a webhook is configured. Never fails the scan: a dead webhook is logged."""
    from distillguard.alerts.webhook import post, settings

    options = settings(config)
    flagged = [dict(c, flagged=c.get("risk", 0) >= float(options["min_risk"])) for c in campaigns]
    events = update(con, scan_id, verdicts, flagged, list(options["grow_past"]))
    if options["webhook_url"] and events:
        try:
            post(options["webhook_url"], events)
        except OSError as exc:
            log.warning("alert webhook failed: %s", exc)
    return events
