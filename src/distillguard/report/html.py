"""The HTML report: what an analyst reads first after a scan.

Ranked accounts and campaigns, why each was flagged (the statistics that crossed
thresholds, example prompts), and plots. One self-contained file; every value
is HTML-escaped by Jinja2's autoescape, since prompts are attacker-controlled.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, select_autoescape

from distillguard.report import plots

if TYPE_CHECKING:
    from distillguard.pipeline import ScanResult


def render_report(result: "ScanResult", top_accounts: int = 50) -> str:
    env = Environment(loader=PackageLoader("distillguard.report", "templates"), autoescape=select_autoescape(["html", "j2"]))
    threshold = result.engine.threshold if result.engine else 0.5
    ranked = result.top(top_accounts)
    campaigns = sorted(result.campaigns, key=lambda c: -c["risk"])
    return env.get_template("report.html.j2").render(
        stats=result.stats,
        accounts=ranked,
        campaigns=campaigns[:30],
        threshold=threshold,
        plot_risk=plots.risk_histogram(result.verdicts, threshold),
        plot_timeline=plots.traffic_timeline(result.hourly),
        plot_detectors=plots.detector_bars(result.verdicts),
        plot_campaigns=plots.campaign_sizes(result.campaigns) if result.campaigns else None,
    )


def write_report(result: "ScanResult", path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(result), encoding="utf-8")
    return path
