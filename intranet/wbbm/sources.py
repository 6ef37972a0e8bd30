"""What each service's day adds up to, read from the services' own tables.

``collect(service, first, last, now)`` returns {WIB day: DayFigures} for the days first..last
(every day present, empty or not): the counts and sums of the day per (unit, officer), and the
per-minute histograms of waits and service times. ``signature(service, first, last)`` returns
{day: text} that changes when a source row of that day is added or changes its state, so the
roll-up job notices a late event for a closed day. Unit 0 is "no unit", officer 0 "not per
officer".

Si Anggrek's officer figures come from ``intranet.anggrek.metrics`` (the same replay of service
events as the metrics page) and its IKM from ``intranet.anggrek.ikm``; Si Owl's renewal test is
``intranet.owl.reports``'s.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from peewee import JOIN, Case, fn

from ..anggrek import clock
from ..anggrek import metrics as anggrek_metrics
from ..anggrek.ikm import ELEMENT_KEYS
from ..anggrek.models import REFERRED, SERVED, Flag, ServiceEvent, SurveyResponse, Ticket
from ..cempaka.models import APPROVED, PENDING, REJECTED, REVISION, WITHDRAWN, Submission
from ..emak.models import PayNotice, PayRun
from ..emak.outbox import NOTICE_KIND
from ..jali.models import CATEGORIES, OUT_SWEEP, Visit
from ..notify.models import DEAD, FAILED, SENT, OutboxMessage
from ..owl import settings as owl_settings
from ..owl.dates import as_date, working_days_between
from ..owl.models import Application, OverstayCase, OverstayFollowUp, Permit, PermitWarning
from ..owl.reports import _renewed_in_time
from ..people.models import User

SERVICES = ("cempaka", "anggrek", "emak", "jali", "owl")
CAP_MINUTES = 600  # a wait or service of 600 minutes or more counts in the last bucket
ON_TIME_DAYS = 3  # a pay notice sent within this many days of the send click is on time


@dataclass
class DayFigures:
    values: dict = field(default_factory=lambda: defaultdict(float))  # (unit, officer, metric)
    hists: dict = field(default_factory=lambda: defaultdict(int))  # (unit, metric, minute)

    def add(self, unit, metric, value=1, officer=0):
        self.values[(unit or 0, 0, metric)] += value
        if officer:
            self.values[(unit or 0, officer, metric)] += value

    def minute(self, unit, metric, seconds):
        minute = min(max(int(seconds // 60), 0), CAP_MINUTES)
        self.hists[(unit or 0, metric, minute)] += 1


def days_between(first, last):
    out, day = [], first
    while day <= last:
        out.append(day)
        day += dt.timedelta(days=1)
    return out


def _utc_range(first, last):
    return clock.day_bounds(first)[0], clock.day_bounds(last)[1]


def _units_of_users():
    return dict(User.select(User.id, User.unit).tuples())


# ----- Si Cempaka -------------------------------------------------------------------------------


def collect_cempaka(first, last, now):
    out = {d: DayFigures() for d in days_between(first, last)}
    query = (
        Submission.select(
            Submission.work_date,
            User.unit,
            Submission.status,
            Case(None, [(Submission.flags != 0, 1)], 0),
            fn.COUNT(Submission.id),
        )
        .join(User, on=(Submission.employee == User.id))
        .where(
            (Submission.work_date >= first)
            & (Submission.work_date <= last)
            & (Submission.status != WITHDRAWN)
        )
        .group_by(Submission.work_date, User.unit, Submission.status, Submission.flags != 0)
        .tuples()
    )
    names = {APPROVED: "approved", REVISION: "revision", REJECTED: "rejected", PENDING: "pending"}
    for day, unit, status, flagged, n in query:
        figures = out[as_date(day)]
        figures.add(unit, "submitted", n)
        if status in names:
            figures.add(unit, names[status], n)
        if flagged:
            figures.add(unit, "flagged", n)
    return out


def signature_cempaka(first, last):
    query = (
        Submission.select(
            Submission.work_date,
            fn.COUNT(Submission.id),
            fn.SUM(Case(None, [(Submission.status == APPROVED, 1)], 0)),
            fn.SUM(Case(None, [(Submission.status == PENDING, 1)], 0)),
            fn.MAX(Submission.id),
            fn.MAX(Submission.decided_at),
        )
        .where((Submission.work_date >= first) & (Submission.work_date <= last))
        .group_by(Submission.work_date)
        .tuples()
    )
    return {as_date(row[0]): ":".join(str(v) for v in row[1:]) for row in query}


# ----- Si Anggrek -------------------------------------------------------------------------------


def collect_anggrek(first, last, now):
    out = {d: DayFigures() for d in days_between(first, last)}
    units = _units_of_users()
    start, end = _utc_range(first, last)
    # Officer figures: the metrics page's replay of the service events.
    stats = anggrek_metrics.load(first, last, now=now)
    for (officer_id, day), s in stats.items():
        if day not in out:
            continue
        figures, unit = out[day], units.get(officer_id)
        for metric, value in (
            ("served", s.served),
            ("referred", s.referred),
            ("no_show", s.no_show),
            ("wait_sum", s.wait_sum),
            ("wait_n", s.wait_n),
            ("interview_sum", s.interview_sum),
            ("interview_n", s.interview_n),
            ("idle_seconds", s.idle_waiting),
            ("open_seconds", s.open_time),
            ("officer_days", 1 if s.open_time > 0 else 0),
        ):
            if value:
                figures.add(unit, metric, value, officer=officer_id)
    # Distributions: each ticket's wait (issue -> call) by the day of its call, and its service
    # (start -> finish, served or referred) by the day it finished; the unit is the officer's.
    tickets = (
        Ticket.select(
            Ticket.officer, Ticket.issued_at, Ticket.called_at, Ticket.started_at,
            Ticket.finished_at, Ticket.outcome,
        )
        .where(
            ((Ticket.called_at >= start) & (Ticket.called_at < end))
            | ((Ticket.finished_at >= start) & (Ticket.finished_at < end))
        )
        .tuples()
    )  # fmt: skip
    for officer_id, issued, called, started, finished, outcome in tickets:
        unit = units.get(officer_id)
        if called is not None and start <= called < end:
            out[clock.wib_day(called)].minute(unit, "wait", (called - issued).total_seconds())
        if (
            finished is not None
            and start <= finished < end
            and started is not None
            and outcome in (SERVED, REFERRED)
        ):
            day = clock.wib_day(finished)
            out[day].minute(unit, "service", (finished - started).total_seconds())
    # IKM: the sums of the nine ratings per unit and officer, by the day of the answer.
    responses = (
        SurveyResponse.select(
            SurveyResponse.submitted_at,
            SurveyResponse.unit,
            SurveyResponse.officer,
            *[getattr(SurveyResponse, k) for k in ELEMENT_KEYS],
        )
        .where((SurveyResponse.submitted_at >= start) & (SurveyResponse.submitted_at < end))
        .tuples()
    )
    for at, unit, officer_id, *ratings in responses:
        figures = out[clock.wib_day(at)]
        figures.add(unit, "ikm_n", 1, officer=officer_id or 0)
        for key, rating in zip(ELEMENT_KEYS, ratings, strict=True):
            figures.add(unit, f"ikm_{key}", rating, officer=officer_id or 0)
    # Flag cases about officers: opened and decided, by the flagged officer's unit.
    flags = (
        Flag.select(Flag.officer, Flag.created_at, Flag.resolved_at, Flag.resolution)
        .where(
            ((Flag.created_at >= start) & (Flag.created_at < end))
            | ((Flag.resolved_at >= start) & (Flag.resolved_at < end))
        )
        .tuples()
    )
    for officer_id, created, resolved, resolution in flags:
        unit = units.get(officer_id)
        if start <= created < end:
            out[clock.wib_day(created)].add(unit, "flags_opened")
        if resolved is not None and start <= resolved < end:
            out[clock.wib_day(resolved)].add(unit, "flags_decided")
            if resolution == "substantiated":
                out[clock.wib_day(resolved)].add(unit, "flags_substantiated")
    return out


def _range_signature(model, column, first, last, extra=None):
    out = {}
    for day in days_between(first, last):
        start, end = clock.day_bounds(day)
        columns = [fn.COUNT(model.id), fn.MAX(model.id)] + ([extra] if extra is not None else [])
        row = model.select(*columns).where((column >= start) & (column < end)).tuples().get()
        out[day] = ":".join(str(v) for v in row)
    return out


def signature_anggrek(first, last):
    events = _range_signature(ServiceEvent, ServiceEvent.at, first, last)
    answers = _range_signature(SurveyResponse, SurveyResponse.submitted_at, first, last)
    opened = _range_signature(Flag, Flag.created_at, first, last, fn.MAX(Flag.updated_at))
    return {d: f"{events[d]}|{answers[d]}|{opened[d]}" for d in events}


# ----- Si Emak ----------------------------------------------------------------------------------


def collect_emak(first, last, now):
    """Pay notices by the day finance pressed send (the run's send click), per employee unit:
    delivered (the mail server accepted it), on time (within ON_TIME_DAYS of the click), failed
    (the outbox gave up or is retrying)."""
    out = {d: DayFigures() for d in days_between(first, last)}
    start, end = _utc_range(first, last)
    query = (
        PayNotice.select(
            PayRun.send_requested_at, User.unit, OutboxMessage.status, OutboxMessage.sent_at
        )
        .join(PayRun, on=(PayNotice.run == PayRun.id))
        .switch(PayNotice)
        .join(User, on=(PayNotice.employee == User.id))
        .switch(PayNotice)
        .join(
            OutboxMessage,
            JOIN.LEFT_OUTER,
            on=((OutboxMessage.id == PayNotice.outbox_id) & (OutboxMessage.kind == NOTICE_KIND)),
        )
        .where((PayRun.send_requested_at >= start) & (PayRun.send_requested_at < end))
        .tuples()
    )
    for clicked, unit, status, sent_at in query:
        figures = out[clock.wib_day(clicked)]
        figures.add(unit, "notices")
        if status == SENT:
            figures.add(unit, "delivered")
            if sent_at is not None and sent_at - clicked <= dt.timedelta(days=ON_TIME_DAYS):
                figures.add(unit, "on_time")
        elif status in (FAILED, DEAD):
            figures.add(unit, "failed")
    return out


# ----- Si Jali ----------------------------------------------------------------------------------


def collect_jali(first, last, now):
    """Visits by visit date and colour; "not checked out": nobody saw them leave (the closing
    sweep checked them out, or they are still marked inside). Office-wide (unit 0)."""
    out = {d: DayFigures() for d in days_between(first, last)}
    not_out = (Visit.checked_out_at.is_null()) | (Visit.checkout_method == OUT_SWEEP)
    query = (
        Visit.select(
            Visit.visit_date,
            Visit.category,
            fn.COUNT(Visit.id),
            fn.SUM(Case(None, [(not_out, 1)], 0)),
        )
        .where((Visit.visit_date >= first) & (Visit.visit_date <= last))
        .group_by(Visit.visit_date, Visit.category)
        .tuples()
    )
    for day, category, n, missing in query:
        figures = out[as_date(day)]
        figures.add(0, "visits", n)
        if category in CATEGORIES:
            figures.add(0, f"visits_{category}", n)
        figures.add(0, "not_checked_out", int(missing or 0))
    return out


def signature_jali(first, last):
    query = (
        Visit.select(
            Visit.visit_date, fn.COUNT(Visit.id), fn.MAX(Visit.id), fn.MAX(Visit.checked_out_at)
        )
        .where((Visit.visit_date >= first) & (Visit.visit_date <= last))
        .group_by(Visit.visit_date)
        .tuples()
    )
    return {as_date(row[0]): ":".join(str(v) for v in row[1:]) for row in query}


# ----- Si Owl -----------------------------------------------------------------------------------


def collect_owl(first, last, now):
    """Permits by expiry date (not cancelled): warned before expiry, renewed before expiry (Si
    Owl's compliance test); overstay cases opened / escalated and follow-ups, by their dates
    (office-wide); applications decided per officer unit: working days against the standard."""
    out = {d: DayFigures() for d in days_between(first, last)}
    warned = fn.EXISTS(
        PermitWarning.select(PermitWarning.id).where(
            (PermitWarning.permit == Permit.id) & (PermitWarning.scan_date <= Permit.expiry_date)
        )
    )
    renewed = _renewed_in_time()
    query = (
        Permit.select(
            Permit.expiry_date,
            fn.COUNT(Permit.id),
            fn.SUM(Case(None, [(warned, 1)], 0)),
            fn.SUM(Case(None, [(renewed, 1)], 0)),
        )
        .where(
            Permit.status.in_(["active", "replaced"])
            & (Permit.expiry_date >= first)
            & (Permit.expiry_date <= last)
        )
        .group_by(Permit.expiry_date)
        .tuples()
    )
    for day, n, n_warned, n_renewed in query:
        figures = out[as_date(day)]
        figures.add(0, "expiring", n)
        figures.add(0, "warned", int(n_warned or 0))
        figures.add(0, "renewed", int(n_renewed or 0))
    for column, metric in (
        (OverstayCase.opened_on, "overstay_opened"),
        (OverstayCase.escalated_on, "overstay_escalated"),
    ):
        rows = (
            OverstayCase.select(column, fn.COUNT(OverstayCase.id))
            .where((column >= first) & (column <= last))
            .group_by(column)
            .tuples()
        )
        for day, n in rows:
            out[as_date(day)].add(0, metric, n)
    rows = (
        OverstayFollowUp.select(OverstayFollowUp.action_date, fn.COUNT(OverstayFollowUp.id))
        .where((OverstayFollowUp.action_date >= first) & (OverstayFollowUp.action_date <= last))
        .group_by(OverstayFollowUp.action_date)
        .tuples()
    )
    for day, n in rows:
        out[as_date(day)].add(0, "follow_ups", n)
    standard = owl_settings.service_standard_days()
    holidays = owl_settings.public_holidays()
    units = _units_of_users()
    decided = (
        Application.select(Application.decided_on, Application.received_on, Application.officer)
        .where(
            Application.status.in_(["completed", "rejected"])
            & (Application.decided_on >= first)
            & (Application.decided_on <= last)
        )
        .tuples()
    )
    for decided_on, received_on, officer_id in decided:
        days = working_days_between(as_date(received_on), as_date(decided_on), holidays)
        figures, unit = out[as_date(decided_on)], units.get(officer_id)
        figures.add(unit, "decided", 1, officer=officer_id or 0)
        figures.add(unit, "working_days", days, officer=officer_id or 0)
        if days <= standard:
            figures.add(unit, "within_standard", 1, officer=officer_id or 0)
    return out


def signature_owl(first, last):
    out = defaultdict(str)
    for model, column in (
        (Permit, Permit.expiry_date),
        (Application, Application.decided_on),
        (OverstayCase, OverstayCase.opened_on),
        (OverstayFollowUp, OverstayFollowUp.action_date),
    ):
        rows = (
            model.select(column, fn.COUNT(model.id), fn.MAX(model.id))
            .where((column >= first) & (column <= last))
            .group_by(column)
            .tuples()
        )
        found = {as_date(day): f"{n}:{top}" for day, n, top in rows}
        for day in days_between(first, last):
            out[day] += found.get(day, "-") + "|"
    return dict(out)


COLLECTORS = {
    "cempaka": collect_cempaka,
    "anggrek": collect_anggrek,
    "emak": collect_emak,
    "jali": collect_jali,
    "owl": collect_owl,
}
# Services whose older days are checked for late events (emak's notices change only within
# days of the send click, inside the recent window the job always recomputes).
SIGNATURES = {
    "cempaka": signature_cempaka,
    "anggrek": signature_anggrek,
    "jali": signature_jali,
    "owl": signature_owl,
}
