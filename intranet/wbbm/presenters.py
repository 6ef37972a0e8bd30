"""How a figure is written (its number in the Indonesian way, with its unit) and drawn (a small
trend chart as inline SVG, server-rendered: no script, no CDN)."""

from markupsafe import Markup, escape

from ..core.filters import format_number
from .definitions import UNITS

DECIMALS = {"count": 0, "minutes": 1, "percent": 1, "index": 2, "days": 1, "working_days": 2}


def number(figure, value):
    """The figure's value as text ("—" when there is nothing to measure)."""
    if value is None:
        return "—"
    decimals = DECIMALS.get(figure.unit, 1)
    if figure.unit in ("count", "minutes") and float(value).is_integer():
        decimals = 0
    return format_number(value, decimals)


def with_unit(figure, value):
    if value is None:
        return "—"
    unit = UNITS.get(figure.unit, "")
    return (
        f"{number(figure, value)} {unit}".strip()
        if figure.unit != "percent"
        else (f"{number(figure, value)} %")
    )


def sparkline(figure, trend, label, width=132, height=34):
    """[(Period, value)] -> an SVG line of the values (gaps where there is no value), the last
    point marked; its accessible name lists the periods and values."""
    values = [v for _p, v in trend if v is not None]
    words = "; ".join(f"{p.short_label}: {number(figure, v)}" for p, v in trend)
    name = escape(f"{label} — {words}")
    if not values:
        return Markup(  # noqa: S704 - numbers and the escaped name only
            f'<svg class="wbbm-spark" width="{width}" height="{height}" role="img" '
            f'aria-label="{name}" viewBox="0 0 {width} {height}"><title>{name}</title>'
            f'<line x1="2" y1="{height - 3}" x2="{width - 2}" y2="{height - 3}" '
            f'stroke="#adb5bd" stroke-dasharray="3 3"/></svg>'
        )
    low, high = min(values), max(values)
    span = (high - low) or 1
    step = (width - 8) / max(len(trend) - 1, 1)
    segments, current, last_point = [], [], None
    for i, (_period, value) in enumerate(trend):
        if value is None:
            if current:
                segments.append(current)
            current = []
            continue
        x = 4 + i * step
        y = height - 4 - (value - low) / span * (height - 8)
        current.append(f"{x:.1f},{y:.1f}")
        last_point = (x, y, i == len(trend) - 1)
    if current:
        segments.append(current)
    lines = "".join(
        f'<polyline fill="none" stroke="#0b5ed7" stroke-width="1.8" points="{" ".join(s)}"/>'
        for s in segments
    )
    dot = ""
    if last_point and last_point[2]:
        dot = f'<circle cx="{last_point[0]:.1f}" cy="{last_point[1]:.1f}" r="2.8" fill="#052c65"/>'
    return Markup(  # noqa: S704 - numbers and the escaped name only
        f'<svg class="wbbm-spark" width="{width}" height="{height}" role="img" '
        f'aria-label="{name}" viewBox="0 0 {width} {height}"><title>{name}</title>'
        f"{lines}{dot}</svg>"
    )
