"""Campaign rows and headline figures computed from verdicts (the scan's verdict JSONL)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import orjson


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Records of a JSONL file; a bad line is an error naming file and line."""
    out = []
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    out.append(orjson.loads(line))
                except orjson.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
    return out


def main_finding(verdict: dict[str, Any]) -> dict[str, Any]:
    findings = verdict.get("findings") or []
    return max(findings, key=lambda f: f.get("score", 0.0)) if findings else {}


def campaigns_from_verdicts(verdicts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per campaign_id: members, flagged members, highest member risk, requests, detectors."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for verdict in verdicts:
        if verdict.get("campaign_id"):
            groups[verdict["campaign_id"]].append(verdict)
    rows = []
    for campaign_id, members in groups.items():
        detectors = sorted({main_finding(v).get("detector") for v in members if v.get("flagged") and main_finding(v)})
        rows.append({
            "campaign_id": campaign_id,
            "members": len(members),
            "flagged_members": sum(1 for v in members if v.get("flagged")),
            "flagged": any(v.get("flagged") for v in members),
            "max_risk": round(max(float(v.get("risk", 0.0)) for v in members), 6),
            "requests": sum(int(v.get("requests") or 0) for v in members),
            "main_detectors": ",".join(d for d in detectors if d),
        })
    return sorted(rows, key=lambda r: (-r["max_risk"], r["campaign_id"]))


def headline(verdicts: list[dict[str, Any]], campaigns: list[dict[str, Any]]) -> dict[str, float]:
    """The figures a dashboard tile or an alert threshold reads."""
    requests = sum(int(v.get("requests") or 0) for v in verdicts)
    flagged_requests = sum(int(v.get("requests") or 0) for v in verdicts if v.get("flagged"))
    before_flag = sum(int(v.get("requests_before_flag") or 0) for v in verdicts if v.get("flagged"))
    return {
        "accounts": len(verdicts),
        "flagged_accounts": sum(1 for v in verdicts if v.get("flagged")),
        "campaigns": len(campaigns),
        "flagged_campaigns": sum(1 for c in campaigns if c.get("flagged")),
        "requests": requests,
        "flagged_requests": flagged_requests,
        # Share of all served requests that went to accounts now flagged: what has leaked to extraction.
        "leaked_share": flagged_requests / requests if requests else 0.0,
        "requests_before_flag": before_flag,
    }
