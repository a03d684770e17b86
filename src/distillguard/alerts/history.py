"""What was flagged at which scan, so a rescan can tell new and growing campaigns from known ones.

`flag_history` keeps, per flagged account and campaign, the scan that first flagged it and
its size then and now; the dashboard's "new since last scan" and the alerts read it.
Campaign ids are derived from the earliest member, so a campaign that grows keeps its id.
"""

from __future__ import annotations

import logging
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS flag_history (kind VARCHAR, id VARCHAR, first_scan INTEGER, last_scan INTEGER, members INTEGER,
  alerted_size INTEGER)
"""
log = logging.getLogger(__name__)


def update(con, scan_id: int, verdicts: list[dict], campaigns: list[dict], grow_past: list[int]) -> list[dict[str, Any]]:
    """Record this scan's flags; return alert events: {kind: new|grew, campaign_id, members, risk, was, threshold}."""
    con.execute(SCHEMA)
    known = {(k, i): (members, alerted) for k, i, members, alerted in
             con.execute("SELECT kind, id, members, alerted_size FROM flag_history").fetchall()}
    first_scan = not known and not con.execute("SELECT count(*) FROM flag_history").fetchone()[0]
    events, rows_new, rows_seen = [], [], []
    for c in campaigns:
        if not c.get("flagged"):
            continue
        size, key = int(c["members"]), ("campaign", c["campaign_id"])
        if key not in known:
            rows_new.append(("campaign", c["campaign_id"], scan_id, scan_id, size, size))
            events.append({"kind": "new", "campaign_id": c["campaign_id"], "members": size, "risk": c["risk"],
                           "findings": c.get("findings") or [], "initial_scan": first_scan})
            continue
        before, alerted = known[key]
        crossed = [t for t in sorted(grow_past) if (alerted or 0) < t <= size]
        if crossed:
            events.append({"kind": "grew", "campaign_id": c["campaign_id"], "members": size, "was": before, "threshold": crossed[-1],
                           "risk": c["risk"], "findings": c.get("findings") or []})
        rows_seen.append((scan_id, size, max(alerted or 0, size) if crossed else alerted, "campaign", c["campaign_id"]))
    for v in verdicts:
        if v.get("flagged"):
            if ("account", v["account_id"]) in known:
                rows_seen.append((scan_id, None, None, "account", v["account_id"]))
            else:
                rows_new.append(("account", v["account_id"], scan_id, scan_id, None, None))
    if rows_new:
        con.executemany("INSERT INTO flag_history VALUES (?, ?, ?, ?, ?, ?)", rows_new)
    if rows_seen:
        con.executemany("UPDATE flag_history SET last_scan = ?, members = coalesce(?, members), alerted_size = coalesce(?, alerted_size) "
                        "WHERE kind = ? AND id = ?", rows_seen)
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
