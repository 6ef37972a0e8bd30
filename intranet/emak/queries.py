"""What Si Emak's pages read: the list of runs, a run's totals and employees, who has no line
yet, an employee's lines and notices, and the delivery state of a run's notices in the outbox.
Nothing here writes."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from peewee import JOIN, Case, fn

from ..models import utcnow
from ..people.models import User
from ..people.nip import normalize_nip
from . import components as comp
from .models import SENDING, SENT, STATES, PayLine, PayNotice, PayRun
from .outbox import OBJECT_TYPE

_DEDUCTION_CODES = [c.code for c in comp.COMPONENTS if c.is_deduction]

# A line's amount as it counts towards earnings, and towards deductions (SUM them per employee).
SIGNED = Case(None, [(PayLine.component.in_(_DEDUCTION_CODES), 0)], PayLine.amount)
DEDUCTED = Case(None, [(PayLine.component.in_(_DEDUCTION_CODES), PayLine.amount)], 0)

DELIVERY_STATES = ("queued", "sending", "sent", "failed", "dead")
UNDELIVERED = "undelivered"  # the filter of both failed and dead: what finance has to look at


def _outbox():
    from ..notify.models import OutboxMessage

    return OutboxMessage


# ----- runs ------------------------------------------------------------------------------------


def runs_page(status="", page=1, per_page=50):
    """(runs, total): the runs, newest period first, of one state when ``status`` is one."""
    query = PayRun.select().order_by(PayRun.period.desc(), PayRun.id.desc())
    if status in STATES:
        query = query.where(PayRun.status == status)
    total = query.count()
    return list(query.paginate(page, per_page)), total


@dataclass
class Totals:
    components: list = field(default_factory=list)  # [(code, count, total)] in display order
    earnings: int = 0
    deductions: int = 0
    employees: int = 0
    lines: int = 0

    @property
    def net(self):
        return self.earnings - self.deductions


def run_totals(run):
    totals = Totals()
    rows = (
        PayLine.select(PayLine.component, fn.COUNT(PayLine.id), fn.SUM(PayLine.amount))
        .where(PayLine.run == run.id)
        .group_by(PayLine.component)
        .tuples()
    )
    for code, count, total in sorted(rows, key=lambda r: comp.sort_key(r[0])):
        total = int(total or 0)
        totals.components.append((code, count, total))
        totals.lines += count
        if comp.BY_CODE[code].is_deduction:
            totals.deductions += total
        else:
            totals.earnings += total
    distinct = fn.COUNT(fn.DISTINCT(PayLine.employee))
    totals.employees = PayLine.select(distinct).where(PayLine.run == run.id).scalar() or 0
    return totals


def employee_summaries(run, q="", page=1, per_page=100):
    """(rows, total): per employee of the run, earnings, deductions and net, by name."""
    earnings = fn.SUM(SIGNED).alias("earnings")
    deductions = fn.SUM(DEDUCTED).alias("deductions")
    query = (
        PayLine.select(
            User.id,
            User.nip,
            User.name,
            User.is_active,
            earnings,
            deductions,
            fn.COUNT(PayLine.id).alias("lines"),
        )
        .join(User, on=(PayLine.employee == User.id))
        .where(PayLine.run == run.id)
        .group_by(User.id, User.nip, User.name, User.is_active)
    )
    if q:
        query = query.where(
            fn.LOWER(User.name).contains(q.lower()) | User.nip.startswith(normalize_nip(q))
        )
    total = query.count()
    rows = []
    for r in query.order_by(User.name, User.id).paginate(page, per_page).dicts():
        r["earnings"] = int(r["earnings"] or 0)
        r["deductions"] = int(r["deductions"] or 0)
        r["net"] = r["earnings"] - r["deductions"]
        rows.append(r)
    return rows, total


def employees_without_line(run, limit=200):
    """(count, first users): active staff who have no line in the run."""
    in_run = PayLine.select(PayLine.employee).where(PayLine.run == run.id)
    query = User.select().where(User.is_active == True, User.id.not_in(in_run))  # noqa: E712
    return query.count(), list(query.order_by(User.name).limit(limit))


def employee_lines(run, employee_id):
    lines = list(PayLine.select().where(PayLine.run == run.id, PayLine.employee == employee_id))
    return sorted(lines, key=lambda line: comp.sort_key(line.component))


def visible_notices(user_id, now=None):
    """The notices an employee sees: their own, of runs being sent or sent, once the run's
    send-after time has come. Newest first."""
    now = now or utcnow()
    return (
        PayNotice.select(PayNotice, PayRun)
        .join(PayRun, on=(PayNotice.run == PayRun.id))
        .where(
            PayNotice.employee == user_id,
            PayRun.status.in_([SENDING, SENT]),
            PayRun.send_after.is_null() | (PayRun.send_after <= now),
        )
        .order_by(PayRun.pay_date.desc(), PayRun.period.desc(), PayRun.id.desc())
    )


# ----- delivery status (the outbox rows of a run) ----------------------------------------------


@dataclass
class Progress:
    total: int = 0
    queued: int = 0
    sending: int = 0
    sent: int = 0
    failed: int = 0
    dead: int = 0
    waiting_until: dt.datetime | None = None

    @property
    def percent(self):
        if not self.total:
            return 0
        return 100 if self.sent >= self.total else self.sent * 100 // self.total

    @property
    def complete(self):
        return bool(self.total) and self.sent >= self.total

    @property
    def settled(self):
        """Nothing more will happen without someone pressing re-send: polling can stop."""
        return not (self.queued or self.sending or self.failed)


def _status_counts(run_ids):
    counts = defaultdict(dict)
    if not run_ids:
        return counts
    outbox = _outbox()
    rows = (
        outbox.select(outbox.object_id, outbox.status, fn.COUNT(outbox.id))
        .where(outbox.object_type == OBJECT_TYPE, outbox.object_id.in_([str(i) for i in run_ids]))
        .group_by(outbox.object_id, outbox.status)
        .tuples()
    )
    for object_id, status, count in rows:
        counts[int(object_id)][status] = count
    return counts


def undelivered_counts(run_ids):
    """{run_id: notices failed or given up on} of runs being sent or sent (one grouped query)."""
    return {
        run_id: statuses.get("failed", 0) + statuses.get("dead", 0)
        for run_id, statuses in _status_counts(run_ids).items()
    }


def progress(run, now=None):
    """Queued / sending / sent / failed / dead counts of a run's notices, from the outbox."""
    now = now or utcnow()
    result = Progress(total=PayNotice.select().where(PayNotice.run == run.id).count())
    if run.status not in (SENDING, SENT):
        return result
    for status, count in _status_counts([run.id]).get(run.id, {}).items():
        if status in DELIVERY_STATES:
            setattr(result, status, count)
    if run.send_after and run.send_after > now and result.queued:
        result.waiting_until = run.send_after
    return result


def notice_counts_for_runs(run_ids):
    """{run_id: Progress} for a list page (one grouped query for the page's runs)."""
    totals = dict(
        PayNotice.select(PayNotice.run, fn.COUNT(PayNotice.id))
        .where(PayNotice.run.in_(list(run_ids) or [0]))
        .group_by(PayNotice.run)
        .tuples()
    )
    sent = PayRun.select(PayRun.id).where(
        PayRun.id.in_(list(run_ids) or [0]), PayRun.status.in_([SENDING, SENT])
    )
    statuses = _status_counts([r.id for r in sent])
    result = {}
    for run_id in run_ids:
        p = Progress(total=totals.get(run_id, 0))
        for status, count in statuses.get(run_id, {}).items():
            if status in DELIVERY_STATES:
                setattr(p, status, count)
        result[run_id] = p
    return result


def deliveries(run, status="", page=1, per_page=50):
    """(rows, total): each employee's notice with its outbox row's status."""
    outbox = _outbox()
    query = (
        PayNotice.select(
            PayNotice.id.alias("notice_id"),
            User.id.alias("employee_id"),
            User.name,
            User.nip,
            User.email,
            outbox.status,
            outbox.attempts,
            outbox.last_error,
            outbox.sent_at,
        )
        .join(User, on=(PayNotice.employee == User.id))
        .join(outbox, JOIN.LEFT_OUTER, on=(outbox.id == PayNotice.outbox_id))
        .where(PayNotice.run == run.id)
    )
    if status in DELIVERY_STATES:
        query = query.where(outbox.status == status)
    elif status == UNDELIVERED:
        query = query.where(outbox.status.in_(("failed", "dead")))
    total = query.count()
    rows = list(query.order_by(User.name, User.id).paginate(page, per_page).dicts())
    return rows, total
