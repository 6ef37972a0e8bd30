"""Calendar helpers for Si Owl (dates are Jakarta calendar dates)."""

import datetime as dt
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")


def wib_today(at=None):
    """Today's Jakarta date, or the Jakarta date of ``at`` (a naive UTC datetime: the
    scheduler's slot)."""
    if at is None:
        return dt.datetime.now(WIB).date()
    return at.replace(tzinfo=dt.UTC).astimezone(WIB).date()


def as_date(value):
    """A date from a date, a datetime or an ISO string (SQLite hands raw rows back as text)."""
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def months_before(day, months):
    """The same day of the month ``months`` earlier (clamped to the month's last day)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def last_working_day_before(day, holidays=frozenset()):
    """The last day before ``day`` that is neither a weekend nor one of ``holidays`` (the
    office's closed days: ``settings.public_holidays()``)."""
    day -= dt.timedelta(days=1)
    while day.weekday() >= 5 or day in holidays:
        day -= dt.timedelta(days=1)
    return day


def extension_window(expiry_date, holidays=frozenset()):
    """An extension may be applied for from 3 months before expiry until the last working day
    before it (DESIGN §9); ``holidays`` are the office's closed days besides weekends."""
    return months_before(expiry_date, 3), last_working_day_before(expiry_date, holidays)


def working_days_between(start, end, holidays=frozenset()):
    """Working days (Monday to Friday, not one of ``holidays``) after ``start`` up to and
    including ``end``."""
    if end is None or start is None or end <= start:
        return 0
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    weekday = start.weekday()
    for i in range(1, rest + 1):
        if (weekday + i) % 7 < 5:
            count += 1
    return count - sum(1 for h in holidays if start < h <= end and h.weekday() < 5)


def received_before_standard(today, standard_days, holidays=frozenset()):
    """The latest receipt date whose application, still open ``today``, has taken more than
    ``standard_days`` working days (``working_days_between``): received on or before it is past
    the service standard."""
    day = today
    while working_days_between(day, today, holidays) <= standard_days:
        day -= dt.timedelta(days=1)
    return day
