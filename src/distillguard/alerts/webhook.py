"""Slack-compatible JSON for alert events, and posting it (standard library only: the core stays light).

The payload has `text` (what Slack, Mattermost, Rocket.Chat and Teams' Slack-compatible
hooks show) plus `blocks` and a machine-readable `distillguard` list. It names campaigns by
their opaque id and counts only: no account ids, prompts or IPs leave the store.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

DEFAULTS = {"webhook_url": None, "min_risk": 0.5, "grow_past": [10, 50, 200]}


def settings(config: dict[str, Any] | None) -> dict[str, Any]:
    return {**DEFAULTS, **((config or {}).get("alerts") or {})}


def _line(event: dict[str, Any]) -> str:
    top = max(event.get("findings") or [{}], key=lambda f: f.get("score") or 0)
    why = f" — strongest finding: {top['detector']} ({top.get('score', 0):.2f})" if top.get("detector") else ""
    if event["kind"] == "new":
        return f":rotating_light: new flagged campaign {event['campaign_id']}: {event['members']} accounts, risk {event['risk']:.2f}{why}"
    return (f":chart_with_upwards_trend: campaign {event['campaign_id']} grew from {event['was']} to {event['members']} accounts "
            f"(past {event['threshold']}), risk {event['risk']:.2f}{why}")


def payload(events: list[dict[str, Any]]) -> dict[str, Any]:
    lines = [_line(e) for e in events]
    return {
        "text": "distillguard: " + ("; ".join(lines) if len(lines) <= 3 else f"{len(lines)} campaign alerts"),
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": line}} for line in lines[:40]],
        "distillguard": [{k: e.get(k) for k in ("kind", "campaign_id", "members", "was", "threshold", "risk")} for e in events],
    }


def post(url: str, events: list[dict[str, Any]], timeout: float = 5.0) -> int:
    """POST the payload; returns the HTTP status. Raises OSError (URLError included) when the hook is unreachable."""
    if not url.startswith(("https://", "http://")):
        raise OSError(f"alerts.webhook_url must be an http(s) URL, got {url[:40]!r}")
    body = json.dumps(payload(events)).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked above
        return response.status
