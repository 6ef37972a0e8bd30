"""The time source of Si Anggrek's services and pages.

Every service step takes its timestamp from ``now()`` so that one step's event, ticket and
counter state carry the very same instant. Tests that need a known sequence of times (the
browser test of the console) replace this function; the office's clock is outside our control.
"""

import datetime as dt

from ..models import utcnow

WIB_OFFSET = dt.timedelta(hours=7)  # Asia/Jakarta: UTC+7 all year, no daylight saving


def now():
    return utcnow()


def wib_day(at):
    """The WIB calendar date of a naive UTC datetime."""
    return (at + WIB_OFFSET).date()


def day_bounds(day):
    """[start, end) in naive UTC of a WIB calendar day."""
    start = dt.datetime.combine(day, dt.time()) - WIB_OFFSET
    return start, start + dt.timedelta(days=1)


def today():
    return wib_day(now())
