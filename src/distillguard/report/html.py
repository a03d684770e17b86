"""The HTML report: what an analyst reads first after a scan.

Every flagged account (or, past `report.max_accounts`, the riskiest ones with "top N of M"
said plainly) and campaigns, why each was flagged (the statistics that crossed
thresholds, example prompts), plots with dates on their time axes, a table of contents
and an anchor per campaign and account. One self-contained file; every value is
HTML-escaped by Jinja2's autoescape, since prompts are attacker-controlled.
`report.redact_prompts` masks personal data and secrets in the examples, for a report
that goes beyond the trust-and-safety team.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, select_autoescape

from distillguard.report import plots

if TYPE_CHECKING:
    from distillguard.pipeline import ScanResult

DEFAULTS = {"max_accounts": 500, "max_campaigns": 100, "redact_prompts": False}


def settings(result: "ScanResult") -> dict[str, Any]:
    config = result.engine.config if result.engine is not None else {}
    return {**DEFAULTS, **((config or {}).get("report") or {})}


def render_report(result: "ScanResult", top_accounts: int | None = None, redact: bool | None = None) -> str:
    options = settings(result)
    top_accounts = int(options["max_accounts"] if top_accounts is None else top_accounts)
    redact = bool(options["redact_prompts"] if redact is None else redact)
    env = Environment(loader=PackageLoader("distillguard.report", "templates"), autoescape=select_autoescape(["html", "j2"]))
    threshold = result.engine.threshold if result.engine else 0.5
    flagged = sorted((v for v in result.verdicts if v["flagged"]), key=lambda v: -v["risk"])
    campaigns = sorted(result.campaigns, key=lambda c: -c["risk"])
    shown_accounts, shown_campaigns = flagged[:top_accounts], campaigns[: int(options["max_campaigns"])]
    if redact:
        from distillguard.dashboard.redaction import redact_deep

        shown_accounts, shown_campaigns = redact_deep(shown_accounts), redact_deep(shown_campaigns)
    return env.get_template("report.html.j2").render(
        stats=result.stats,
        accounts=shown_accounts,
        flagged_total=len(flagged),
        campaigns=shown_campaigns,
        campaigns_total=len(campaigns),
        redacted=redact,
        threshold=threshold,
        plot_risk=plots.risk_histogram(result.verdicts, threshold),
        plot_timeline=plots.traffic_timeline(result.hourly),
        plot_detectors=plots.detector_bars(result.verdicts),
        plot_campaigns=plots.campaign_sizes(result.campaigns) if result.campaigns else None,
    )


def write_report(result: "ScanResult", path: Path, redact: bool | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(result, redact=redact), encoding="utf-8")
    return path
