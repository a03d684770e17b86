"""Small server-side SVG charts: no JavaScript, no CDN, no inline styles (CSP-friendly).

Every chart is a self-contained <svg> with a viewBox (the page's CSS makes it fluid) and
<title> tooltips on its marks. Rendering is plain string building: a few milliseconds.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from html import escape

PALETTE = ("#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d", "#475569")
_FONT = 'font-family="system-ui,-apple-system,Segoe UI,Roboto,sans-serif"'


def _nice_ticks(vmax: float, count: int = 4) -> list[float]:
    if vmax <= 0:
        return [0.0, 1.0]
    raw = vmax / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    return [i * step for i in range(int(math.ceil(vmax / step)) + 1)]


def _fmt(value: float) -> str:
    if abs(value) >= 1e6:
        return f"{value / 1e6:.1f}M".replace(".0M", "M")
    if abs(value) >= 1e3:
        return f"{value / 1e3:.1f}k".replace(".0k", "k")
    if value == int(value):
        return str(int(value))
    return f"{value:.2f}"


def _empty(width: int, height: int, message: str) -> str:
    return (f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(message)}">'
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="#64748b" font-size="13" {_FONT}>'
            f'{escape(message)}</text></svg>')


def _legend(series_names: list[tuple[str, str]], x: float, y: float, max_x: float | None = None) -> str:
    parts, cursor = [], x
    for name, color in series_names:
        if max_x is not None and cursor > x and cursor + 24 + 6.5 * len(name) > max_x:  # wrap onto a new line
            cursor, y = x, y + 15
        parts.append(f'<rect x="{cursor:.1f}" y="{y - 9}" width="10" height="10" rx="2" fill="{color}"/>'
                     f'<text x="{cursor + 14:.1f}" y="{y}" font-size="11" fill="#334155" {_FONT}>{escape(name)}</text>')
        cursor += 24 + 6.5 * len(name)
    return "".join(parts)


def time_chart(series: list[tuple[str, list[tuple[datetime, float]]]], *, width: int = 760, height: int = 220,
               label: str = "", step: timedelta = timedelta(hours=1), bars: bool = False, colors: tuple = PALETTE) -> str:
    """Lines (first series filled) or side-by-side bars over time. Gaps are zero-filled at `step`."""
    points = [p for _, pts in series for p in pts]
    if not points:
        return _empty(width, height, "no data")
    left, right, top, bottom = 52, 12, 24, 28
    t0 = min(p[0] for p in points)
    t1 = max(p[0] for p in points)
    if bars:
        t1 = t1 + step
    span = max((t1 - t0).total_seconds(), step.total_seconds())
    vmax = max(p[1] for p in points) or 1
    ticks = _nice_ticks(vmax)
    ymax = ticks[-1]
    pw, ph = width - left - right, height - top - bottom

    def sx(t: datetime) -> float:
        return left + (t - t0).total_seconds() / span * pw

    def sy(v: float) -> float:
        return top + ph - v / ymax * ph

    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">']
    for tick in ticks:
        y = sy(tick)
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e2e8f0"/>'
                   f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="10" fill="#64748b" {_FONT}>{_fmt(tick)}</text>')
    # time ticks: bars are labelled under their slot; lines get hours for short spans, days otherwise
    if bars:
        slots = sorted({t for _, pts in series for t, _ in pts})
        every = max(1, len(slots) // 10)
        tick, fmt = step, ("%b %d" if step >= timedelta(days=1) else "%m-%d %H:%M")
        for t in slots[::every]:
            x = sx(t) + step.total_seconds() / span * pw / 2
            out.append(f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle" font-size="10" fill="#64748b" {_FONT}>{t:{fmt}}</text>')
    elif span <= 8 * 3600:
        tick, fmt = timedelta(hours=1), "%H:%M"
    elif span <= 2 * 86400:
        tick, fmt = timedelta(hours=6), "%b %d %H:%M"
    else:
        tick, fmt = timedelta(days=max(1, int(span // 86400) // 8)), "%b %d"
    cursor = datetime(t0.year, t0.month, t0.day, tzinfo=t0.tzinfo)
    while cursor <= t0:
        cursor += tick
    while not bars and cursor <= t1:
        x = sx(cursor)
        if x < width - right - 20:
            out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + ph}" stroke="#f1f5f9"/>'
                       f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle" font-size="10" fill="#64748b" {_FONT}>{cursor:{fmt}}</text>')
        cursor += tick
    if span <= 8 * 3600 and not bars:
        out.append(f'<text x="{width - right}" y="{height - 10}" text-anchor="end" font-size="10" fill="#64748b" {_FONT}>{t0:%Y-%m-%d} UTC</text>')
    names = []
    nser = len(series)
    for index, (name, pts) in enumerate(series):
        color = colors[index % len(colors)]
        names.append((name, color))
        if not pts:
            continue
        pts = sorted(pts)
        if bars:
            slot = step.total_seconds() / span * pw
            bw = max(1.0, slot * 0.8 / nser)
            for t, v in pts:
                x = sx(t) + slot * 0.1 + index * bw
                out.append(f'<rect x="{x:.1f}" y="{sy(v):.1f}" width="{bw:.1f}" height="{top + ph - sy(v):.1f}" fill="{color}">'
                           f'<title>{escape(name)} {t:%Y-%m-%d}: {_fmt(v)}</title></rect>')
            continue
        # zero-fill gaps so quiet hours drop to zero instead of being interpolated over
        filled, prev = [], None
        for t, v in pts:
            if prev is not None and (t - prev[0]) > step * 1.5:
                filled.append((prev[0] + step, 0.0))
                filled.append((t - step, 0.0))
            filled.append((t, v))
            prev = (t, v)
        path = " ".join(f"{'M' if i == 0 else 'L'}{sx(t):.1f},{sy(v):.1f}" for i, (t, v) in enumerate(filled))
        if index == 0:
            out.append(f'<path d="{path} L{sx(filled[-1][0]):.1f},{top + ph} L{sx(filled[0][0]):.1f},{top + ph} Z" '
                       f'fill="{color}" fill-opacity="0.12"/>')
        out.append(f'<path d="{path}" fill="none" stroke="{color}" stroke-width="1.6" stroke-linejoin="round"/>')
        peak = max(pts, key=lambda p: p[1])
        out.append(f'<circle cx="{sx(peak[0]):.1f}" cy="{sy(peak[1]):.1f}" r="3" fill="{color}">'
                   f'<title>{escape(name)} peak {peak[0]:%Y-%m-%d %H:%M}: {_fmt(peak[1])}</title></circle>')
    out.append(f'<line x1="{left}" x2="{width - right}" y1="{top + ph}" y2="{top + ph}" stroke="#94a3b8"/>')
    out.append(_legend(names, left, 14))
    out.append("</svg>")
    return "".join(out)


def hbar_chart(items: list[tuple[str, float, str]], *, width: int = 420, label: str = "", color: str = PALETTE[0],
               value_fmt=_fmt) -> str:
    """Horizontal bars: (label, value, tooltip)."""
    if not items:
        return _empty(width, 80, "no data")
    row, left, right = 22, 170, 50
    height = row * len(items) + 8
    vmax = max(v for _, v, _ in items) or 1
    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">']
    for i, (name, value, tip) in enumerate(items):
        y = 4 + i * row
        w = (width - left - right) * value / vmax
        short = name if len(name) <= 26 else name[:25] + "…"
        out.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end" font-size="11" fill="#334155" {_FONT}>{escape(short)}</text>'
                   f'<rect x="{left}" y="{y + 3}" width="{max(w, 1):.1f}" height="{row - 8}" rx="2" fill="{color}">'
                   f'<title>{escape(tip or name)}</title></rect>'
                   f'<text x="{left + w + 4:.1f}" y="{y + 14}" font-size="11" fill="#334155" {_FONT}>{value_fmt(value)}</text>')
    out.append("</svg>")
    return "".join(out)


def histogram(values_by_bin: list[tuple[float, float, int]], *, width: int = 420, height: int = 160, label: str = "",
              threshold: float | None = None) -> str:
    """Bins as (lo, hi, count); an optional vertical threshold line."""
    if not values_by_bin:
        return _empty(width, height, "no data")
    left, right, top, bottom = 44, 10, 10, 24
    pw, ph = width - left - right, height - top - bottom
    lo, hi = values_by_bin[0][0], values_by_bin[-1][1]
    ticks = _nice_ticks(max(c for _, _, c in values_by_bin) or 1)
    ymax = ticks[-1]
    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">']
    for tick in ticks:
        y = top + ph - tick / ymax * ph
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e2e8f0"/>'
                   f'<text x="{left - 5}" y="{y + 4:.1f}" text-anchor="end" font-size="10" fill="#64748b" {_FONT}>{_fmt(tick)}</text>')
    for a, b, count in values_by_bin:
        x = left + (a - lo) / (hi - lo) * pw
        w = (b - a) / (hi - lo) * pw
        h = count / ymax * ph
        color = PALETTE[1] if threshold is not None and a >= threshold else PALETTE[0]
        out.append(f'<rect x="{x + 0.5:.1f}" y="{top + ph - h:.1f}" width="{max(w - 1, 0.5):.1f}" height="{h:.1f}" fill="{color}">'
                   f'<title>{a:.2f}–{b:.2f}: {count}</title></rect>')
    for value in (lo, (lo + hi) / 2, hi):
        x = left + (value - lo) / (hi - lo) * pw
        out.append(f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" font-size="10" fill="#64748b" {_FONT}>{value:.1f}</text>')
    if threshold is not None and lo <= threshold <= hi:
        x = left + (threshold - lo) / (hi - lo) * pw
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + ph}" stroke="#0f172a" stroke-dasharray="4 3">'
                   f'<title>flag threshold {threshold:.2f}</title></line>')
    out.append("</svg>")
    return "".join(out)


def network(nodes: list[dict], edges: list[dict], positions: dict[str, tuple[float, float]], *, width: int = 760,
            height: int = 440, href=None, reason_colors: dict[str, str] | None = None, label: str = "") -> str:
    """Account graph: nodes {id, risk, flagged}, edges {a, b, shared}; colours by link reason."""
    if not nodes:
        return _empty(width, height, "no members")
    pad = 24
    xs = [p[0] for p in positions.values()] or [0]
    ys = [p[1] for p in positions.values()] or [0]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    sxr, syr = (x1 - x0) or 1, (y1 - y0) or 1

    def at(node_id: str) -> tuple[float, float]:
        x, y = positions[node_id]
        return pad + (x - x0) / sxr * (width - 2 * pad), pad + 10 + (y - y0) / syr * (height - 2 * pad - 10)

    reason_colors = reason_colors or {}
    out = [f'<svg class="chart graph" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">']
    for edge in edges:
        if edge["a"] not in positions or edge["b"] not in positions:
            continue
        (ax, ay), (bx, by) = at(edge["a"]), at(edge["b"])
        color = reason_colors.get(edge.get("shared", ""), "#94a3b8")
        out.append(f'<line x1="{ax:.1f}" y1="{ay:.1f}" x2="{bx:.1f}" y2="{by:.1f}" stroke="{color}" stroke-width="1.4" stroke-opacity="0.7">'
                   f'<title>{escape(edge["a"])} ↔ {escape(edge["b"])}: {escape(str(edge.get("shared", "")))}</title></line>')
    radius = 7 if len(nodes) <= 40 else 5 if len(nodes) <= 120 else 3.5
    for node in nodes:
        if node["id"] not in positions:
            continue
        x, y = at(node["id"])
        risk = node.get("risk") or 0.0
        fill = "#dc2626" if node.get("flagged") else "#f59e0b" if risk >= 0.3 else "#64748b"
        size = node.get("size") or 1  # a cluster of strongly linked accounts is one node, sized by its members
        r = min(radius * size ** 0.5, 24)
        what = f" · {size} accounts" if size > 1 else ""
        circle = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}" stroke="#fff" stroke-width="1.2">'
                  f'<title>{escape(node["id"])}{what} · risk {risk:.2f}{" · flagged" if node.get("flagged") else ""}</title></circle>')
        if len(nodes) <= 30:
            circle += (f'<text x="{x:.1f}" y="{y - radius - 3:.1f}" text-anchor="middle" font-size="9" fill="#475569" {_FONT}>'
                       f'{escape(node["id"][-6:])}</text>')
        out.append(f'<a href="{escape(href(node.get("href", node["id"])))}">{circle}</a>' if href else circle)
    legend = [(name, color) for name, color in reason_colors.items()]
    out.append(_legend(legend, pad, 14, max_x=width - pad))
    out.append("</svg>")
    return "".join(out)


def meter(fraction: float, *, width: int = 90, flag: bool = False) -> str:
    """A small percentile bar for tables."""
    fraction = min(max(fraction, 0.0), 1.0)
    color = "#dc2626" if flag else "#2563eb"
    return (f'<svg class="meter" viewBox="0 0 {width} 10" width="{width}" height="10">'
            f'<rect x="0" y="2" width="{width}" height="6" rx="3" fill="#e2e8f0"/>'
            f'<rect x="0" y="2" width="{width * fraction:.1f}" height="6" rx="3" fill="{color}"/>'
            f'<line x1="{width / 2}" x2="{width / 2}" y1="0" y2="10" stroke="#64748b" stroke-width="1"/></svg>')


def raster(rows: list[tuple[str, list[tuple[datetime, float]]]], t0: datetime, t1: datetime, step: timedelta, *,
           width: int = 1200, label: str = "", href=None) -> str:
    """One row per account, one cell per time bucket with requests (darker = more): coordination shows as columns."""
    if not rows:
        return _empty(width, 80, "no data")
    left, right, top, row_h = 130, 12, 8, 11
    height = top + row_h * len(rows) + 22
    span = max((t1 - t0).total_seconds() + step.total_seconds(), step.total_seconds())
    pw = width - left - right
    cell = max(1.0, step.total_seconds() / span * pw)
    vmax = max((v for _, pts in rows for _, v in pts), default=1) or 1
    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">']
    for i, (name, pts) in enumerate(rows):
        y = top + i * row_h
        text = f'<text x="{left - 6}" y="{y + row_h - 2}" text-anchor="end" font-size="9" fill="#334155" {_FONT}>{escape(name)}</text>'
        out.append(f'<a href="{escape(href(name))}">{text}</a>' if href else text)
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y + row_h - 0.5}" y2="{y + row_h - 0.5}" stroke="#f1f5f9"/>')
        for t, v in pts:
            x = left + (t - t0).total_seconds() / span * pw
            opacity = 0.25 + 0.75 * min(1.0, v / vmax)
            out.append(f'<rect x="{x:.1f}" y="{y + 1}" width="{cell:.1f}" height="{row_h - 2}" fill="{PALETTE[1]}" fill-opacity="{opacity:.2f}">'
                       f'<title>{escape(name)} {t:%Y-%m-%d %H:%M}: {_fmt(v)}</title></rect>')
    axis_y = top + row_h * len(rows) + 14
    for frac in (0.0, 0.5, 1.0):
        t = t0 + timedelta(seconds=span * frac)
        anchor = "start" if frac == 0 else "end" if frac == 1 else "middle"
        out.append(f'<text x="{left + pw * frac:.1f}" y="{axis_y}" text-anchor="{anchor}" font-size="10" fill="#64748b" {_FONT}>{t:%b %d %H:%M}</text>')
    out.append("</svg>")
    return "".join(out)
