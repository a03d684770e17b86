"""Plots for the report, rendered to inline PNG so the report is one self-contained file."""

from __future__ import annotations

import base64
import io
from collections import Counter
from datetime import datetime, timezone
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

_COLORS = {"flagged": "#c0392b", "ok": "#2c7fb8", "grey": "#95a5a6"}


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def risk_histogram(verdicts: list[dict[str, Any]], threshold: float) -> str:
    fig, ax = plt.subplots(figsize=(6, 3))
    risks = [v["risk"] for v in verdicts]
    ax.hist(risks, bins=40, range=(0, 1), color=_COLORS["ok"], log=True)
    ax.axvline(threshold, color=_COLORS["flagged"], linestyle="--", label=f"flag threshold {threshold:.2f}")
    ax.set_xlabel("risk")
    ax.set_ylabel("accounts (log)")
    ax.set_title("Risk of every account")
    ax.legend()
    return _png(fig)


def traffic_timeline(hourly: dict[int, list[int]]) -> str:
    fig, ax = plt.subplots(figsize=(9, 3))
    if hourly:
        import matplotlib.dates as mdates

        hours = sorted(hourly)
        xs = [datetime.fromtimestamp(h * 3600, tz=timezone.utc) for h in hours]
        total = [hourly[h][0] for h in hours]
        flagged = [hourly[h][1] for h in hours]
        ax.fill_between(xs, total, color=_COLORS["ok"], alpha=0.5, step="mid", label="all requests")
        ax.fill_between(xs, flagged, color=_COLORS["flagged"], alpha=0.8, step="mid", label="requests by flagged accounts")
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=4, maxticks=10, tz=timezone.utc))
        short = hours[-1] - hours[0] < 48
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b %H:%M" if short else "%d %b", tz=timezone.utc))
        ax.set_xlabel("date (UTC)")
    ax.set_ylabel("requests / hour")
    ax.set_title("Traffic over time")
    ax.legend(loc="upper right")
    return _png(fig)


def detector_bars(verdicts: list[dict[str, Any]]) -> str:
    counts: Counter = Counter()
    for verdict in verdicts:
        if verdict["flagged"]:
            for name in {f["detector"] for f in verdict.get("findings", []) if f["score"] >= 0.3}:
                counts[name] += 1
    fig, ax = plt.subplots(figsize=(6, 3))
    names = [n for n, _ in counts.most_common()][::-1]
    ax.barh(names, [counts[n] for n in names], color=_COLORS["flagged"])
    ax.set_xlabel("flagged accounts with this finding (score >= 0.3)")
    ax.set_title("What flagged accounts were caught by")
    return _png(fig)


def campaign_sizes(campaigns: list[dict[str, Any]]) -> str:
    fig, ax = plt.subplots(figsize=(6, 3))
    top = sorted(campaigns, key=lambda c: -c["risk"])[:15]
    labels = [c["campaign_id"] for c in top][::-1]
    ax.barh(labels, [c["members"] for c in top][::-1], color=[_COLORS["flagged"] if c["flagged"] else _COLORS["grey"] for c in top][::-1])
    ax.set_xlabel("member accounts")
    ax.set_title("Linked campaigns (red: flagged), by risk")
    return _png(fig)
