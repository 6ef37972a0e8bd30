"""Template filters: rupiah, Indonesian numbers and dates, times in WIB."""

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from flask_babel import get_locale

from . import caches

WIB = ZoneInfo("Asia/Jakarta")


def to_wib(value):
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(WIB)


def format_number(value, decimals=0):
    """1234567.5 -> '1.234.567' (Indonesian grouping, comma decimals) in both languages: money
    and counts are written the Indonesian way throughout the office."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def rupiah(value):
    """Integer rupiah -> 'Rp 1.234.567' (negative: '-Rp 1.234.567')."""
    if value is None:
        return ""
    value = int(value)
    sign = "-" if value < 0 else ""
    return f"{sign}Rp {format_number(abs(value))}"


def _locale():
    return str(get_locale() or "id")


def wib_datetime(value, with_seconds=False):
    """'27 Nov 2026 14:05 WIB'."""
    local = to_wib(value)
    if local is None:
        return ""
    pattern = "d MMM yyyy HH:mm:ss" if with_seconds else "d MMM yyyy HH:mm"
    return _format_datetime(local, pattern, _locale()) + " WIB"


def wib_time(value):
    local = to_wib(value)
    return "" if local is None else local.strftime("%H:%M")


def id_date(value, fmt="d MMMM yyyy"):
    """A calendar date: '27 November 2026' / in English '27 November 2026'."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = to_wib(value).date()
    return _format_date(value, fmt, _locale())


# Babel works out a pattern afresh on every call (tens of microseconds); e-mails and pages show
# the same dates over and over (a pay period, today, a permit's expiry).
@caches.memoize("filters.datetime", maxsize=8192)
def _format_datetime(value, pattern, locale):
    return format_datetime(value, pattern, locale=locale)


@caches.memoize("filters.date", maxsize=8192)
def _format_date(value, pattern, locale):
    return format_date(value, pattern, locale=locale)


def register(app):
    from ..people.models import format_nip

    app.jinja_env.filters.update(
        rupiah=rupiah,
        number=format_number,
        wib=wib_datetime,
        wib_time=wib_time,
        id_date=id_date,
        nip=format_nip,  # the official spaced form: 19860926 201505 1 001
    )
