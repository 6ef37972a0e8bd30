"""Keeping the roll-up tables (``wbbm_daily``, ``wbbm_histogram``, ``wbbm_rollup_day``).

A (day, service) is written whole: its rows are deleted and rewritten in one transaction, so
running a day twice leaves the same tables, and a reader sees the old day or the new one, never
half. ``rebuild`` computes a range of days (the CLI ``flask wbbm rollup``); ``refresh`` is what
the periodic job runs: the recent days (``RECENT_DAYS``, today included) always, and every older
day within ``LOOKBACK_DAYS`` whose sources changed since it was computed (a late event: its
signature, a count and the highest id of the day's source rows, differs from the stored one).
"""

import datetime as dt

from peewee import fn

from ..anggrek import clock
from ..extensions import transaction
from ..models import utcnow
from . import settings, sources
from .models import Daily, Histogram, RollupDay

RECENT_DAYS = 7
LOOKBACK_DAYS = 400
CHUNK_DAYS = 31
EMPTY_SIGNATURES = {"", "0:None", "0:None|0:None|0:None:None", "-|-|-|-|"}


def _normal(signature):
    return "" if signature in EMPTY_SIGNATURES else signature


def _write(service, first, last, figures, signatures, computed_at):
    days = sources.days_between(first, last)
    daily = [
        {
            "day": day,
            "service": service,
            "unit": unit,
            "officer": officer,
            "metric": metric,
            "value": value,
        }
        for day in days
        for (unit, officer, metric), value in sorted(figures[day].values.items())
        if value
    ]
    hists = [
        {"day": day, "service": service, "unit": unit, "metric": metric, "minute": m, "n": n}
        for day in days
        for (unit, metric, m), n in sorted(figures[day].hists.items())
        if n
    ]
    marks = [
        {
            "day": day,
            "service": service,
            "signature": _normal(signatures.get(day, ""))[:200],
            "computed_at": computed_at,
        }
        for day in days
    ]
    with transaction():
        for model in (Daily, Histogram, RollupDay):
            model.delete().where(
                (model.service == service) & (model.day >= first) & (model.day <= last)
            ).execute()
        for model, rows in ((Daily, daily), (Histogram, hists), (RollupDay, marks)):
            for i in range(0, len(rows), 500):
                model.insert_many(rows[i : i + 500]).execute()
    return len(days)


def rebuild(first, last, *, now=None, services=sources.SERVICES):
    """Compute the days first..last (never beyond today) of ``services``; returns days written
    per service."""
    now = now or utcnow()
    last = min(last, clock.wib_day(now))
    done = {}
    for service in services:
        count, start = 0, first
        while start <= last:
            end = min(start + dt.timedelta(days=CHUNK_DAYS - 1), last)
            signer = sources.SIGNATURES.get(service)
            signatures = signer(start, end) if signer else {}
            figures = sources.COLLECTORS[service](start, end, now)
            count += _write(service, start, end, figures, signatures, now)
            start = end + dt.timedelta(days=1)
        done[service] = count
    settings.forget()  # this process sees the new roll-up time at once
    return done


def _runs(days):
    """Sorted days -> [(first, last)] of consecutive days."""
    runs = []
    for day in sorted(days):
        if runs and day == runs[-1][1] + dt.timedelta(days=1):
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [tuple(r) for r in runs]


def stale_days(service, first, last):
    """Days of first..last whose sources differ from what their roll-up was computed from."""
    signer = sources.SIGNATURES.get(service)
    if signer is None:
        return []
    current = {d: _normal(s) for d, s in signer(first, last).items()}
    stored = dict(
        RollupDay.select(RollupDay.day, RollupDay.signature)
        .where((RollupDay.service == service) & (RollupDay.day >= first) & (RollupDay.day <= last))
        .tuples()
    )
    stored = {sources.as_date(d): s for d, s in stored.items()}
    return [
        day
        for day in sources.days_between(first, last)
        if current.get(day, "") != stored.get(day, "")
        or (day not in stored and current.get(day, ""))
    ]


def refresh(as_of=None, *, recent_days=RECENT_DAYS, lookback_days=LOOKBACK_DAYS):
    """The job's round: the recent days of every service, and the older days that changed."""
    now = as_of or utcnow()
    today = clock.wib_day(now)
    recent_first = today - dt.timedelta(days=recent_days - 1)
    written = rebuild(recent_first, today, now=now)
    older_last = recent_first - dt.timedelta(days=1)
    older_first = today - dt.timedelta(days=lookback_days - 1)
    for service in sources.SERVICES:
        for first, last in _runs(stale_days(service, older_first, older_last)):
            written[service] += rebuild(first, last, now=now, services=(service,))[service]
    return written


def last_updated():
    """When the roll-ups were last brought up to date (naive UTC), or None (kept for a few
    seconds per process: ``settings.cached``)."""
    return settings.cached(
        "stamp", lambda: RollupDay.select(fn.MAX(RollupDay.computed_at)).scalar()
    )
