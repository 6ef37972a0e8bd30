"""Si Anggrek's app-wide template filters: durations (``anggrek_duration``), WIB clock times
(``anggrek_clock``), percentages (``anggrek_percent``) and two-decimal numbers
(``anggrek_decimal``). ``register(app)`` installs them; the functions are also called from
Python (the board's cards)."""

from ..core.filters import format_number
from . import clock


def duration(seconds):
    """Seconds -> 'm:ss' or 'h:mm:ss'; None -> '—'."""
    if seconds is None:
        return "—"
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def wib_clock(value):
    """Naive UTC -> 'HH:MM:SS' in WIB."""
    return (value + clock.WIB_OFFSET).strftime("%H:%M:%S")


def percent(rate):
    if rate is None:
        return "—"
    return f"{format_number(rate * 100, 1)} %"


def decimal2(value):
    return "—" if value is None else format_number(float(value), 2)


def register(app):
    """Install Si Anggrek's filters on ``app``."""
    app.add_template_filter(duration, "anggrek_duration")
    app.add_template_filter(wib_clock, "anggrek_clock")
    app.add_template_filter(percent, "anggrek_percent")
    app.add_template_filter(decimal2, "anggrek_decimal")
