"""The server-side charts: well-formed SVG for the shapes the pages feed them, escaped labels."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

from distillguard.dashboard import svg

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _parse(text: str) -> ET.Element:
    return ET.fromstring(text)


def test_time_charts_for_every_span_and_mode():
    cases = [
        ([("a", [(T0 + timedelta(hours=i), i % 7) for i in range(200)]), ("b", [(T0, 1)])], {}),
        ([("a", [(T0 + timedelta(minutes=i), i) for i in range(90)])], {"step": timedelta(minutes=1)}),
        ([("a", [(T0, 3)]), ("b", [(T0, 2)])], {"bars": True, "step": timedelta(days=1)}),
        ([("a", [(T0 + timedelta(days=i), i) for i in range(30)])], {"bars": True, "step": timedelta(days=1)}),
        ([("a", [(T0, 0)])], {}),
        ([], {}),
    ]
    for series, kwargs in cases:
        root = _parse(svg.time_chart(series, **kwargs))
        assert root.tag.endswith("svg") and root.get("viewBox")


def test_other_charts_and_escaping():
    evil = '<script>alert(1)</script>"'
    bars = svg.hbar_chart([(evil, 3, evil), ("b", 1, "")])
    assert "<script>" not in bars
    _parse(bars)
    _parse(svg.histogram([(i / 20, (i + 1) / 20, i) for i in range(20)], threshold=0.8))
    nodes = [{"id": f"acct-{i}", "risk": i / 10, "flagged": i > 5} for i in range(10)]
    edges = [{"a": "acct-0", "b": f"acct-{i}", "shared": evil} for i in range(1, 10)]
    positions = {n["id"]: (float(i), float(i % 3)) for i, n in enumerate(nodes)}
    graph = svg.network(nodes, edges, positions, href=lambda a: f"/accounts/{a}", reason_colors={evil: "#000"})
    assert graph.count("<circle") == 10 and "<script>" not in graph
    _parse(graph)
    _parse(svg.meter(0.995, flag=True))


def test_member_raster():
    rows = [(f"acct-{i}", [(T0 + timedelta(hours=i + k), k + 1) for k in range(3)]) for i in range(5)]
    out = svg.raster(rows, T0, T0 + timedelta(hours=10), timedelta(hours=1), href=lambda a: f"/accounts/{a}")
    assert out.count("<rect") == 15 and 'href="/accounts/acct-0"' in out
    _parse(out)
    _parse(svg.raster([], T0, T0, timedelta(hours=1)))
