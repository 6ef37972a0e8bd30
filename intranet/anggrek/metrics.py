"""Officer metrics, computed from service events.

Definitions (also shown on the metrics page). Times are attributed to the WIB day of the event
that ends them; a week or month adds up its days' sums and counts, so its averages are means over
all its tickets (not means of daily means).

- served / referred / no-show: tickets the officer finished with that outcome (FINISH events);
  handled = all three together.
- average wait: issue of the ticket -> its call, over the tickets the officer called (CALL).
  A recall does not restart the clock.
- average call-to-start: the call -> start of the interview, over tickets the officer started.
- average interview: start -> finish, over tickets finished as served or referred.
- idle while tickets waited: the time the officer's counter was open and idle (no ticket called
  or in interview) while at least one ticket of that day was waiting to be called (issued and
  not yet called, by any counter: the office has one queue). An idle stretch still running ends
  at the end of its day or now, whichever comes first.
- time open: OPEN -> CLOSE of the officer's counters (same clipping).
- no-show rate = no-show / handled; referral rate = referred / handled.
"""

import bisect
import datetime as dt
from dataclasses import dataclass, fields

from peewee import JOIN

from . import clock
from .models import (
    CALL,
    CLOSE,
    FINISH,
    NO_SHOW,
    OPEN,
    REFERRED,
    SERVED,
    START,
    ServiceEvent,
    Ticket,
)

PERIODS = ("day", "week", "month")


@dataclass
class Stats:
    served: int = 0
    referred: int = 0
    no_show: int = 0
    wait_sum: float = 0.0
    wait_n: int = 0
    call_to_start_sum: float = 0.0
    call_to_start_n: int = 0
    interview_sum: float = 0.0
    interview_n: int = 0
    idle_waiting: float = 0.0  # seconds
    open_time: float = 0.0  # seconds

    def add(self, other):
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self

    @property
    def handled(self):
        return self.served + self.referred + self.no_show

    @staticmethod
    def _avg(total, n):
        return total / n if n else None

    @property
    def avg_wait(self):
        return self._avg(self.wait_sum, self.wait_n)

    @property
    def avg_call_to_start(self):
        return self._avg(self.call_to_start_sum, self.call_to_start_n)

    @property
    def avg_interview(self):
        return self._avg(self.interview_sum, self.interview_n)

    @property
    def no_show_rate(self):
        return self.no_show / self.handled if self.handled else None

    @property
    def referral_rate(self):
        return self.referred / self.handled if self.handled else None


# ----- periods --------------------------------------------------------------------------------


def period_days(period, day):
    """The first and last WIB day of the day / ISO week (Monday-Sunday) / month holding ``day``."""
    if period == "week":
        first = day - dt.timedelta(days=day.weekday())
        return first, first + dt.timedelta(days=6)
    if period == "month":
        first = day.replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        return first, following - dt.timedelta(days=1)
    return day, day


def period_key(period, day):
    """The bucket a day falls in, for series over several periods."""
    return period_days(period, day)[0]


def previous_periods(period, day, count):
    """``count`` consecutive periods ending with the one holding ``day``: [(first, last)]."""
    out = []
    first, last = period_days(period, day)
    for _ in range(count):
        out.append((first, last))
        first, last = period_days(period, first - dt.timedelta(days=1))
    return list(reversed(out))


# ----- the computation ------------------------------------------------------------------------


def merge_intervals(intervals):
    merged = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1][1] = end
        else:
            merged.append([start, end])
    return merged


class Queue:
    """The union of the times when at least one ticket was waiting to be called."""

    def __init__(self, intervals):
        self.intervals = merge_intervals(intervals)
        self.starts = [i[0] for i in self.intervals]

    def overlap(self, start, end):
        """Seconds of [start, end) during which some ticket was waiting."""
        if end <= start:
            return 0.0
        total = 0.0
        i = max(0, bisect.bisect_right(self.starts, start) - 1)
        while i < len(self.intervals) and self.intervals[i][0] < end:
            a, b = self.intervals[i]
            lo, hi = max(a, start), min(b, end)
            if hi > lo:
                total += (hi - lo).total_seconds()
            i += 1
        return total


def waiting_intervals(tickets, now):
    """(issued_at, called_at, issue_date) -> intervals a ticket waited: until its call, or until
    the end of its day (or now) when it was never called."""
    out = []
    for issued_at, called_at, issue_date in tickets:
        end = called_at
        if end is None:
            end = min(clock.day_bounds(issue_date)[1], now)
        out.append((issued_at, end))
    return out


def compute(events, queue, now):
    """Replay service events into Stats per (officer id, WIB day).

    ``events``: rows (at, kind, officer_id, outcome, issued_at, called_at, started_at) sorted by
    time, the last three being the ticket's (None for OPEN/CLOSE).
    ``queue``: a Queue of waiting times. ``now``: naive UTC; running stretches end there.
    """
    stats = {}
    idle_since = {}
    open_since = {}

    def bucket(officer_id, at):
        key = (officer_id, clock.wib_day(at))
        s = stats.get(key)
        if s is None:
            s = stats[key] = Stats()
        return s

    def close_stretch(store, officer_id, end):
        start = store.pop(officer_id, None)
        if start is None:
            return None
        end = min(end, clock.day_bounds(clock.wib_day(start))[1], now)
        return start, end

    def end_idle(officer_id, at):
        stretch = close_stretch(idle_since, officer_id, at)
        if stretch:
            bucket(officer_id, stretch[0]).idle_waiting += queue.overlap(*stretch)

    def end_open(officer_id, at):
        stretch = close_stretch(open_since, officer_id, at)
        if stretch and stretch[1] > stretch[0]:
            bucket(officer_id, stretch[0]).open_time += (stretch[1] - stretch[0]).total_seconds()

    for at, kind, officer_id, outcome, issued_at, called_at, started_at in events:
        if kind == OPEN:
            end_idle(officer_id, at)
            end_open(officer_id, at)
            idle_since[officer_id] = at
            open_since[officer_id] = at
            bucket(officer_id, at)
        elif kind == CALL:
            end_idle(officer_id, at)
            s = bucket(officer_id, at)
            if issued_at is not None:
                s.wait_sum += (at - issued_at).total_seconds()
                s.wait_n += 1
        elif kind == START:
            s = bucket(officer_id, at)
            if called_at is not None:
                s.call_to_start_sum += (at - called_at).total_seconds()
                s.call_to_start_n += 1
        elif kind == FINISH:
            s = bucket(officer_id, at)
            if outcome == SERVED:
                s.served += 1
            elif outcome == REFERRED:
                s.referred += 1
            elif outcome == NO_SHOW:
                s.no_show += 1
            if outcome in (SERVED, REFERRED) and started_at is not None:
                s.interview_sum += (at - started_at).total_seconds()
                s.interview_n += 1
            if officer_id in open_since:
                idle_since[officer_id] = at
        elif kind == CLOSE:
            end_idle(officer_id, at)
            end_open(officer_id, at)
    for officer_id in list(idle_since):
        end_idle(officer_id, now)
    for officer_id in list(open_since):
        end_open(officer_id, now)
    return stats


# ----- loading from the database --------------------------------------------------------------


def load(first_day, last_day, officer_ids=None, now=None):
    """Stats per (officer id, day) for the WIB days first_day..last_day."""
    now = now or clock.now()
    start = clock.day_bounds(first_day)[0]
    end = clock.day_bounds(last_day)[1]
    query = (
        ServiceEvent.select(
            ServiceEvent.at,
            ServiceEvent.kind,
            ServiceEvent.officer,
            ServiceEvent.outcome,
            Ticket.issued_at,
            Ticket.called_at,
            Ticket.started_at,
        )
        .join(Ticket, JOIN.LEFT_OUTER)
        .where(ServiceEvent.at >= start, ServiceEvent.at < end)
        .order_by(ServiceEvent.at, ServiceEvent.id)
    )
    if officer_ids is not None:
        if not officer_ids:
            return {}
        query = query.where(ServiceEvent.officer.in_(list(officer_ids)))
    tickets = (
        Ticket.select(Ticket.issued_at, Ticket.called_at, Ticket.issue_date)
        .where(Ticket.issue_date >= first_day, Ticket.issue_date <= last_day)
        .tuples()
    )
    queue = Queue(waiting_intervals(tickets, now))
    return compute(query.tuples().iterator(), queue, now)


def per_officer(stats):
    out = {}
    for (officer_id, _day), s in stats.items():
        out.setdefault(officer_id, Stats()).add(s)
    return out


def total(stats):
    out = Stats()
    for s in stats.values():
        out.add(s)
    return out
