"""A period's figures, read from the roll-ups (and, for "still open at the end of the period",
from the stored dates of the cases), with their targets, statuses and trends.

A period is a WIB day, ISO week, month, quarter or year. A closed period (it ended before
today) reads only roll-ups and stored dates measured at its end, so it gives the same figures
whenever it is regenerated; the current period is measured at the last roll-up (``stamp``).
"""

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from peewee import fn

from ..anggrek import clock, ikm
from ..anggrek.models import Flag
from ..core import caches
from ..owl.models import OverstayCase, OverstayFollowUp
from ..people.models import Unit, User
from . import settings
from .definitions import FIGURES
from .models import Daily, Histogram
from .rollup import last_updated
from .sources import CAP_MINUTES, as_date

KINDS = ("day", "week", "month", "quarter", "year")
KIND_LABELS = {
    "day": _l("Day"),
    "week": _l("Week"),
    "month": _l("Month"),
    "quarter": _l("Quarter"),
    "year": _l("Year"),
}
TREND_LENGTH = {"day": 14, "week": 8, "month": 12, "quarter": 8, "year": 5}

# ----- periods ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    kind: str
    first: dt.date
    last: dt.date  # inclusive

    def previous(self):
        return period_of(self.kind, self.first - dt.timedelta(days=1))

    def following(self):
        return period_of(self.kind, self.last + dt.timedelta(days=1))

    def is_closed(self, today):
        return self.last < today

    @property
    def label(self):
        if self.kind == "day":
            return format_date(self.first, "d MMM yyyy")
        if self.kind == "week":
            return _(
                "week of %(first)s – %(last)s",
                first=format_date(self.first, "d MMM"),
                last=format_date(self.last, "d MMM yyyy"),
            )
        if self.kind == "month":
            return format_date(self.first, "MMMM yyyy")
        if self.kind == "quarter":
            return _(
                "quarter %(q)d %(year)d", q=(self.first.month - 1) // 3 + 1, year=self.first.year
            )
        return str(self.first.year)

    @property
    def short_label(self):
        if self.kind in ("day", "week"):
            return format_date(self.first, "d/M")
        if self.kind == "month":
            return format_date(self.first, "MMM yy")
        if self.kind == "quarter":
            return f"Q{(self.first.month - 1) // 3 + 1} {self.first.year % 100:02d}"
        return str(self.first.year)


def period_of(kind, day):
    if kind == "week":
        first = day - dt.timedelta(days=day.weekday())
        return Period(kind, first, first + dt.timedelta(days=6))
    if kind in ("month", "quarter"):
        month = day.month if kind == "month" else (day.month - 1) // 3 * 3 + 1
        first = dt.date(day.year, month, 1)
        months = 1 if kind == "month" else 3
        index = first.year * 12 + first.month - 1 + months
        following = dt.date(index // 12, index % 12 + 1, 1)
        return Period(kind, first, following - dt.timedelta(days=1))
    if kind == "year":
        return Period(kind, dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))
    return Period("day", day, day)


def trend_periods(period):
    periods = [period]
    for _i in range(TREND_LENGTH[period.kind] - 1):
        periods.append(periods[-1].previous())
    return list(reversed(periods))


# ----- totals -----------------------------------------------------------------------------------


class Totals:
    """A period's sums per (service, metric), histograms per (service, metric) and snapshots."""

    def __init__(self, sums=None, hists=None, snaps=None):
        self.sums = sums or {}
        self.hists = hists or {}
        self.snaps = snaps or {}

    def get(self, service, metric):
        return self.sums.get((service, metric), 0)

    def percentile(self, service, metric, p):
        """Nearest rank on whole minutes: the smallest minute with at least p % of the values at
        or below it."""
        counts = self.hists.get((service, metric))
        if not counts:
            return None
        n = sum(counts.values())
        rank = max(1, math.ceil(p / 100 * n))
        seen = 0
        for minute in sorted(counts):
            seen += counts[minute]
            if seen >= rank:
                return min(minute, CAP_MINUTES)
        return None

    def snapshot(self, name):
        return self.snaps.get(name)


def _daily(first, last, unit):
    query = (
        Daily.select(Daily.day, Daily.service, Daily.metric, fn.SUM(Daily.value))
        .where((Daily.day >= first) & (Daily.day <= last) & (Daily.officer == 0))
        .group_by(Daily.day, Daily.service, Daily.metric)
    )
    if unit is not None:
        query = query.where(Daily.unit == unit)
    return [(as_date(d), s, m, v) for d, s, m, v in query.tuples()]


def _histograms(first, last, unit):
    query = (
        Histogram.select(
            Histogram.day, Histogram.service, Histogram.metric, Histogram.minute,
            fn.SUM(Histogram.n),
        )
        .where((Histogram.day >= first) & (Histogram.day <= last))
        .group_by(Histogram.day, Histogram.service, Histogram.metric, Histogram.minute)
    )  # fmt: skip
    if unit is not None:
        query = query.where(Histogram.unit == unit)
    return [(as_date(d), s, m, minute, int(n)) for d, s, m, minute, n in query.tuples()]


def _snapshots(at, unit):
    """Cases still open at ``at`` (naive UTC): flag cases (per the flagged officer's unit),
    overstay cases (office-wide, by WIB date)."""
    flags = Flag.select(Flag.created_at).where(
        (Flag.created_at < at) & (Flag.resolved_at.is_null() | (Flag.resolved_at >= at))
    )
    if unit is not None:
        flags = flags.join(User, on=(Flag.officer == User.id)).where(User.unit == unit)
    ages = [(at - created).total_seconds() / 86400 for (created,) in flags.tuples()]
    snaps = {
        "flags_open": len(ages),
        "flags_open_age": round(sum(ages) / len(ages), 1) if ages else None,
    }
    if unit is None:
        day = clock.wib_day(at - dt.timedelta(microseconds=1))
        open_cases = OverstayCase.select(OverstayCase.id).where(
            (OverstayCase.opened_on <= day)
            & (OverstayCase.closed_on.is_null() | (OverstayCase.closed_on > day))
        )
        followed = (
            OverstayFollowUp.select(fn.COUNT(fn.DISTINCT(OverstayFollowUp.case)))
            .where(OverstayFollowUp.case.in_(open_cases) & (OverstayFollowUp.action_date <= day))
            .scalar()
        )
        n_open = open_cases.count()
        snaps["overstay_open"] = n_open
        snaps["overstay_followed"] = round(100 * (followed or 0) / n_open, 1) if n_open else None
    return snaps


def _measured_at(period, today, stamp):
    """The instant a period's "still open" figures are measured at."""
    end = clock.day_bounds(period.last)[1]
    if period.is_closed(today):
        return end
    return min(stamp, end) if stamp is not None else clock.day_bounds(today)[1]


def _totals_for(periods, unit, today, stamp):
    first, last = periods[0].first, periods[-1].last
    sums = [defaultdict(float) for _p in periods]
    hists = [defaultdict(lambda: defaultdict(int)) for _p in periods]
    starts = [p.first for p in periods]

    def index(day):
        for i in range(len(periods) - 1, -1, -1):
            if day >= starts[i]:
                return i if day <= periods[i].last else None
        return None

    for day, service, metric, value in _daily(first, last, unit):
        i = index(day)
        if i is not None:
            sums[i][(service, metric)] += value
    for day, service, metric, minute, n in _histograms(first, last, unit):
        i = index(day)
        if i is not None:
            hists[i][(service, metric)][minute] += n
    return [
        Totals(dict(sums[i]), hists[i], _snapshots(_measured_at(p, today, stamp), unit))
        for i, p in enumerate(periods)
    ]


# ----- the report ---------------------------------------------------------------------------------

ON, CLOSE, OFF, NONE = "on", "close", "off", "none"
STATUS = {
    ON: (_l("On target"), "✓"),
    CLOSE: (_l("Close to target"), "▲"),
    OFF: (_l("Off target"), "✗"),
    NONE: (_l("No target"), "–"),
}


def status(figure, value, target):
    if target is None or value is None:
        return NONE
    gap = (value - target) if figure.higher_is_better else (target - value)
    if gap >= 0:
        return ON
    margin = max(abs(target) * settings.CLOSE_MARGIN, settings.CLOSE_MIN)
    return CLOSE if -gap <= margin else OFF


@dataclass
class Result:
    figure: object
    value: float | None
    target: float | None
    status: str
    trend: list  # [(Period, value)], oldest first, this period last

    @property
    def status_label(self):
        return STATUS[self.status][0]

    @property
    def status_icon(self):
        return STATUS[self.status][1]


@dataclass
class Report:
    period: Period
    unit: object  # Unit or None (whole office)
    closed: bool
    measured_at: dt.datetime | None
    updated_at: dt.datetime | None
    results: list
    ikm_units: list  # [(name, Ikm)]
    ikm_officers: list  # [(name, Ikm)]

    def by_service(self, service):
        return [r for r in self.results if r.figure.service == service]

    def by_area(self, area):
        return [r for r in self.results if r.figure.area == area]

    def value(self, key):
        for r in self.results:
            if r.figure.key == key:
                return r.value
        raise KeyError(key)

    @property
    def ikm_grade(self):
        value = self.value("anggrek.ikm")
        if value is None:
            return None
        from decimal import Decimal

        return ikm.grade(Decimal(str(value)))[0]


_VALUES = caches.Cache("wbbm.values", maxsize=256)


def _ikm_tables(period, unit):
    columns = [Daily.unit, Daily.officer, Daily.metric, fn.SUM(Daily.value)]
    query = (
        Daily.select(*columns)
        .where(
            (Daily.service == "anggrek")
            & (Daily.day >= period.first)
            & (Daily.day <= period.last)
            & Daily.metric.startswith("ikm_")
        )
        .group_by(Daily.unit, Daily.officer, Daily.metric)
    )
    if unit is not None:
        query = query.where(Daily.unit == unit)
    units, officers = defaultdict(dict), defaultdict(dict)
    for unit_id, officer_id, metric, value in query.tuples():
        target = officers[officer_id] if officer_id else units[unit_id]
        target[metric] = int(value)

    def table(groups, names):
        rows = []
        for key, sums in groups.items():
            n = sums.get("ikm_n", 0)
            if n:
                score = ikm.from_sums(n, [sums.get(f"ikm_{k}", 0) for k in ikm.ELEMENT_KEYS])
                rows.append((names.get(key) or "—", score))
        return sorted(rows, key=lambda r: (-(r[1].value or 0), r[0]))

    unit_names = dict(Unit.select(Unit.id, Unit.name).tuples())
    officer_names = dict(
        User.select(User.id, User.name).where(User.id.in_(list(officers) or [0])).tuples()
    )
    return table(units, unit_names), table(officers, officer_names)


def _values(period, unit_id, today, stamp, with_trend):
    """{figure key: (value, [trend values])} and the IKM tables, cached per roll-up stamp."""
    key = (period, unit_id, today, stamp, with_trend)
    hit = _VALUES.get(key)
    if hit is not None:
        return hit
    periods = trend_periods(period) if with_trend else [period]
    totals = _totals_for(periods, unit_id, today, stamp)
    values = {}
    for figure in FIGURES:
        if unit_id is not None and not figure.by_unit:
            continue
        series = [figure.value(t) for t in totals]
        values[figure.key] = (series[-1], list(zip(periods, series, strict=True)))
    result = (values, _ikm_tables(period, unit_id))
    _VALUES.put(key, result)
    return result


_UNSET = object()


def build(period, unit=None, *, today=None, with_trend=True, stamp=_UNSET, targets=None):
    """The Report of ``period`` for ``unit`` (a Unit, or None for the whole office); ``stamp``
    (the last roll-up) and ``targets`` are read when not given."""
    today = today or clock.today()
    stamp = last_updated() if stamp is _UNSET else stamp
    unit_id = unit.id if unit is not None else None
    values, (ikm_units, ikm_officers) = _values(period, unit_id, today, stamp, with_trend)
    targets = settings.targets() if targets is None else targets
    results = []
    for figure in FIGURES:
        if figure.key not in values:
            continue
        value, trend = values[figure.key]
        target = targets.get(figure.key)
        results.append(Result(figure, value, target, status(figure, value, target), trend))
    return Report(
        period=period,
        unit=unit,
        closed=period.is_closed(today),
        measured_at=_measured_at(period, today, stamp),
        updated_at=stamp,
        results=results,
        ikm_units=ikm_units,
        ikm_officers=ikm_officers,
    )


def clear_cache():
    _VALUES.clear()
