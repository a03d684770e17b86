"""The HTML report lists every flagged account (or says "top N of M"), with a table of contents, anchors and dated axes."""

from __future__ import annotations

import re

import pytest


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    from distillguard.pipeline import scan
    from distillguard.simulate.simulator import simulate
    from tests.dashboard.store_builder import sim_config

    d = tmp_path_factory.mktemp("report")
    simulate(sim_config(seed=8), d / "sim")
    return scan(d / "sim" / "events.jsonl", workers=1)


def test_every_flagged_account_is_listed_with_an_anchor_and_a_contents_table(result):
    from distillguard.report.html import render_report

    html = render_report(result)
    flagged = [v["account_id"] for v in result.verdicts if v["flagged"]]
    assert len(flagged) > 10
    for account in flagged:
        assert f'id="acct-{account}"' in html and f'href="#acct-{account}"' in html
    assert f"All {len(flagged)} flagged accounts" in html
    contents = html.split('<nav class="toc"')[1].split("</nav>")[0]
    assert 'href="#campaigns"' in contents and 'href="#flagged"' in contents and 'id="flagged"' in html
    for campaign in result.campaigns:
        assert f'id="{campaign["campaign_id"]}"' in html
    # unflagged accounts are not passed off as flagged ones
    unflagged = [v["account_id"] for v in result.verdicts if not v["flagged"]]
    assert not any(f'id="acct-{a}"' in html for a in unflagged)


def test_a_capped_list_says_top_n_of_m_plainly(result):
    from distillguard.report.html import render_report

    flagged = sum(v["flagged"] for v in result.verdicts)
    html = render_report(result, top_accounts=5)
    assert f"Top 5 of {flagged} flagged accounts" in html
    assert len(re.findall(r'<tr id="acct-', html)) == 5


def test_the_traffic_axis_shows_dates_not_days_since_first_event(result):
    import matplotlib

    matplotlib.use("Agg")
    from unittest import mock

    from distillguard.report import plots

    labels = {}
    real = plots._png

    def capture(fig):
        ax = fig.axes[0]
        fig.canvas.draw()
        labels["x"] = ax.get_xlabel()
        labels["ticks"] = [t.get_text() for t in ax.get_xticklabels()]
        return real(fig)

    with mock.patch.object(plots, "_png", capture):
        plots.traffic_timeline(result.hourly)
    assert labels["x"] == "date (UTC)"
    first_day = min(result.hourly) * 3600
    from datetime import datetime, timezone

    month = datetime.fromtimestamp(first_day, tz=timezone.utc).strftime("%b")
    assert any(month in t for t in labels["ticks"]) or any(re.search(r"\d{4}", t) for t in labels["ticks"]), labels["ticks"]
