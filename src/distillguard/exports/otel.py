"""Flags as OpenTelemetry log records: an OTLP/JSON file, or a POST to a collector's /v1/logs.

One record per flagged account and per flagged campaign, with `event.name`
`distillguard.account.flagged` / `distillguard.campaign.flagged`, severity WARN, and
attributes an alert or a dashboard filters on (risk, detector, campaign, requests).
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from typing import Any

import orjson

from distillguard import __version__ as VERSION
from distillguard.exports.summary import main_finding

_WARN = 13  # SeverityNumber WARN


def otlp_attribute(key: str, value: Any) -> dict[str, Any]:
    """One OTLP/JSON KeyValue, typed by the Python value."""
    if isinstance(value, bool):
        return {"key": key, "value": {"boolValue": value}}
    if isinstance(value, int):
        return {"key": key, "value": {"intValue": str(value)}}
    if isinstance(value, float):
        return {"key": key, "value": {"doubleValue": value}}
    return {"key": key, "value": {"stringValue": str(value)}}


def _record(now_ns: int, name: str, body: str, attributes: dict[str, Any]) -> dict[str, Any]:
    return {"timeUnixNano": str(now_ns), "observedTimeUnixNano": str(now_ns), "severityNumber": _WARN, "severityText": "WARN",
            "eventName": name, "body": {"stringValue": body},
            "attributes": [otlp_attribute("event.name", name)] + [otlp_attribute(k, v) for k, v in attributes.items() if v is not None]}


def otlp_logs(verdicts: list[dict[str, Any]], campaigns: list[dict[str, Any]], service_name: str = "distillguard",
              now_ns: int | None = None) -> dict[str, Any]:
    """An ExportLogsServiceRequest (OTLP/JSON) of every flagged account and campaign."""
    now_ns = now_ns or time.time_ns()
    records = []
    for verdict in verdicts:
        if not verdict.get("flagged"):
            continue
        main = main_finding(verdict)
        records.append(_record(now_ns, "distillguard.account.flagged",
                               f"account {verdict['account_id']} flagged (risk {float(verdict['risk']):.2f}, {main.get('detector', 'combined')})",
                               {"distillguard.account_id": verdict["account_id"], "distillguard.risk": float(verdict["risk"]),
                                "distillguard.detector": main.get("detector"), "distillguard.campaign_id": verdict.get("campaign_id"),
                                "distillguard.requests": verdict.get("requests")}))
    for campaign in campaigns:
        if not campaign.get("flagged"):
            continue
        records.append(_record(now_ns, "distillguard.campaign.flagged",
                               f"campaign {campaign['campaign_id']} flagged ({campaign['members']} accounts)",
                               {"distillguard.campaign_id": campaign["campaign_id"], "distillguard.members": int(campaign["members"]),
                                "distillguard.flagged_members": int(campaign.get("flagged_members", 0)),
                                "distillguard.risk": float(campaign.get("max_risk", 0.0)),
                                "distillguard.requests": int(campaign.get("requests", 0))}))
    return {"resourceLogs": [{"resource": {"attributes": [otlp_attribute("service.name", service_name)]},
                              "scopeLogs": [{"scope": {"name": "distillguard", "version": VERSION}, "logRecords": records}]}]}


def post_otlp(url: str, payload: dict[str, Any], headers: dict[str, str] | None = None, timeout: float = 10.0) -> int:
    """POST an OTLP/JSON logs payload to a collector (e.g. http://collector:4318/v1/logs); returns the HTTP status."""
    request = urllib.request.Request(url, data=orjson.dumps(payload), method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (the operator's own collector URL)
            return response.status
    except urllib.error.HTTPError as exc:
        raise OSError(f"{url}: the collector answered {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise OSError(f"{url}: cannot reach the collector ({exc.reason})") from None
