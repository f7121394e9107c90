"""Bar and line charts as inline SVG, drawn on the server (the page runs no script).

Every text that goes into a chart (labels, values, titles) is escaped: the labels are
post texts and account names, chosen by strangers.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from html import escape
from typing import Any

WIDTH = 640
BAR_HEIGHT = 18
BAR_GAP = 6
LABEL_WIDTH = 190
VALUE_WIDTH = 70
LINE_HEIGHT = 220
MARGIN = (12, 16, 34, 64)
"""Top, right, bottom, left margins of a line chart's plot area."""


def short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def number(value: float | Decimal) -> str:
    """A value for a label: thousands separated, three significant digits below 100."""
    if isinstance(value, int):
        return f"{value:,}"
    value = float(value)
    if value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def label(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M") if value.tzinfo else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return number(value)
    return "" if value is None else str(value)


def _position(value: Any) -> float | None:
    """Where a value lies on a numeric axis (dates and times as seconds), else None."""
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, date):
        return datetime.combine(value, time()).timestamp()
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return float(value)
    return None


def _svg(height: float, title: str, body: list[str]) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>'
        + "".join(body)
        + "</svg>"
    )


def bar_chart(title: str, points: list[tuple[Any, float]]) -> str:
    """Horizontal bars, one per (label, value), in the order given."""
    if not points:
        return ""
    low = min(0.0, *(v for _, v in points))
    high = max(0.0, *(v for _, v in points))
    span = (high - low) or 1.0
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    zero = LABEL_WIDTH + plot * (0 - low) / span
    body = []
    for i, (name, value) in enumerate(points):
        top = BAR_GAP + i * (BAR_HEIGHT + BAR_GAP)
        end = LABEL_WIDTH + plot * (value - low) / span
        left, width = min(zero, end), max(abs(end - zero), 1.0)
        text = label(name)
        middle = top + BAR_HEIGHT / 2
        body.append(
            f"<g><title>{escape(text)}: {escape(number(value))}</title>"
            f'<text class="axis" x="{LABEL_WIDTH - 8}" y="{middle:.1f}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(short(text, 30))}</text>'
            f'<rect class="bar" x="{left:.1f}" y="{top}" width="{width:.1f}" '
            f'height="{BAR_HEIGHT}" rx="3"/>'
            f'<text class="value" x="{max(zero, end) + 6:.1f}" y="{middle:.1f}" '
            f'dominant-baseline="middle">{escape(number(value))}</text></g>'
        )
    height = BAR_GAP + len(points) * (BAR_HEIGHT + BAR_GAP)
    return _svg(height, title, body)


def line_chart(title: str, points: list[tuple[Any, float]]) -> str:
    """A line through (x, value) in the order given, with a dot per point. Numeric, date or
    time x values are placed to scale; any other x values evenly."""
    if not points:
        return ""
    top, right, bottom, left = MARGIN
    plot_w, plot_h = WIDTH - left - right, LINE_HEIGHT - top - bottom
    positions = [_position(x) for x, _ in points]
    if all(p is not None for p in positions) and len(set(positions)) > 1:
        xs = [p for p in positions if p is not None]
        lo_x, span_x = min(xs), (max(xs) - min(xs))
        px = [left + plot_w * (x - lo_x) / span_x for x in xs]
    else:
        n = len(points)
        px = [left + plot_w * (i / (n - 1) if n > 1 else 0.5) for i in range(n)]
    values = [v for _, v in points]
    lo_y, hi_y = min(0.0, *values), max(values)
    span_y = (hi_y - lo_y) or 1.0
    py = [top + plot_h * (1 - (v - lo_y) / span_y) for v in values]
    body = []
    for fraction in (0.0, 0.5, 1.0):
        y = top + plot_h * (1 - fraction)
        body.append(
            f'<line class="grid" x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="axis" x="{left - 8}" y="{y:.1f}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(number(lo_y + span_y * fraction))}</text>'
        )
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(px, py, strict=True))
    body.append(f'<polyline class="line" points="{path}"/>')
    for (x_value, value), x, y in zip(points, px, py, strict=True):
        body.append(
            f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="3">'
            f"<title>{escape(label(x_value))}: {escape(number(value))}</title></circle>"
        )
    baseline = LINE_HEIGHT - bottom + 18
    first, last = label(points[0][0]), label(points[-1][0])
    body.append(f'<text class="axis" x="{left}" y="{baseline}">{escape(short(first, 40))}</text>')
    if len(points) > 1:
        body.append(
            f'<text class="axis" x="{WIDTH - right}" y="{baseline}" text-anchor="end">'
            f"{escape(short(last, 40))}</text>"
        )
    return _svg(LINE_HEIGHT, title, body)
