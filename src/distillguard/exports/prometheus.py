"""Prometheus text exposition of the latest verdicts, as a file (node_exporter textfile collector) or /metrics.

Per-account series are limited to flagged accounts (top `max_accounts` by risk) so that a
large customer base does not become a cardinality problem in the provider's Prometheus.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from distillguard.exports.summary import headline, main_finding

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _label(value: Any) -> str:
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def metrics_text(verdicts: list[dict[str, Any]], campaigns: list[dict[str, Any]], max_accounts: int = 200) -> str:
    figures = headline(verdicts, campaigns)
    lines: list[str] = []

    def gauge(name: str, help_text: str, samples: list[tuple[dict[str, Any], float]]) -> None:
        lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} gauge")
        for labels, value in samples:
            label_text = ",".join(f'{k}="{_label(v)}"' for k, v in labels.items())
            lines.append(f"{name}{{{label_text}}} {value:g}" if label_text else f"{name} {value:g}")

    gauge("distillguard_accounts", "Accounts in the latest scan.", [({}, figures["accounts"])])
    gauge("distillguard_flagged_accounts", "Accounts flagged as model extraction.", [({}, figures["flagged_accounts"])])
    gauge("distillguard_campaigns", "Campaigns (linked account groups) in the latest scan.", [({}, figures["campaigns"])])
    gauge("distillguard_flagged_campaigns", "Campaigns with at least one flagged member.", [({}, figures["flagged_campaigns"])])
    gauge("distillguard_leaked_share", "Share of served requests that went to accounts now flagged.", [({}, round(figures["leaked_share"], 6))])
    gauge("distillguard_flagged_requests", "Requests served to accounts now flagged.", [({}, figures["flagged_requests"])])
    by_detector: dict[str, int] = {}
    for verdict in verdicts:
        if verdict.get("flagged") and main_finding(verdict):
            detector = main_finding(verdict).get("detector", "unknown")
            by_detector[detector] = by_detector.get(detector, 0) + 1
    gauge("distillguard_flagged_accounts_by_detector", "Flagged accounts by the detector of their main finding.",
          [({"detector": d}, n) for d, n in sorted(by_detector.items())])
    flagged = sorted((v for v in verdicts if v.get("flagged")), key=lambda v: -float(v["risk"]))[:max_accounts]
    gauge("distillguard_account_risk", f"Risk of flagged accounts (top {max_accounts}).",
          [({"account_id": v["account_id"], "campaign_id": v.get("campaign_id") or ""}, round(float(v["risk"]), 6)) for v in flagged])
    gauge("distillguard_campaign_members", "Members of flagged campaigns.",
          [({"campaign_id": c["campaign_id"]}, c["members"]) for c in campaigns if c.get("flagged")])
    return "\n".join(lines) + "\n"


def serve_metrics(render: Callable[[], str], host: str = "127.0.0.1", port: int = 9464) -> ThreadingHTTPServer:
    """Start a /metrics endpoint (in a daemon thread) that calls `render` on every scrape."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            if self.path.split("?")[0] != "/metrics":
                self.send_error(404, "only /metrics is served")
                return
            try:
                body = render().encode()
            except (OSError, ValueError) as exc:
                self.send_error(503, str(exc).splitlines()[0][:200])
                return
            self.send_response(200)
            self.send_header("Content-Type", CONTENT_TYPE)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:  # scrapes every 15 s would flood the terminal
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
