"""Counters, tickets and the counter console's state machine.

A counter is closed, idle, calling or interviewing (``CounterState``). The officer's steps:

    closed --open--> idle --call--> calling --start--> interviewing
    interviewing --finish(served | referred)--> idle
    calling --finish(no_show)--> idle            calling --recall--> calling
    idle --close--> closed

Each step is one transaction that moves the counter with a conditional UPDATE (``WHERE state =
<expected> AND officer = <me> [AND ticket = <the ticket on the page>]``), moves the ticket the same
way, writes one timestamped ``ServiceEvent`` and one audit entry. Of two steps sent at once (a
double click, two tabs, two counters calling the same ticket) only one UPDATE matches; the other
is refused with ``StepRefused`` and a message saying why. Nothing is half-saved.

The board's and the console's reads (``board_rows``, ``queue_summary``) are in ``queries``.
"""

import secrets

from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from ..audit.services import record
from ..core.refusals import Refusal
from ..extensions import transaction
from ..people.directory import users_with_role
from ..people.models import User
from . import clock
from .labels import SERVICES
from .models import (
    CALL,
    CALLED,
    CALLING,
    CLOSE,
    CLOSED,
    DONE,
    FINISH,
    IDLE,
    INTERVIEWING,
    NO_SHOW,
    NOT_CALLED,
    OPEN,
    OUTCOMES,
    RECALL,
    SERVING,
    START,
    WAITING,
    Counter,
    CounterState,
    ServiceEvent,
    Ticket,
    TicketSequence,
)


class StepRefused(Refusal):
    """An illegal or stale step (a ``Refusal``). ``code`` is for programs, ``message``
    (translated) for people, ``status`` the HTTP status of a fragment answer (409: the page is
    out of date; 422: what was sent is wrong; 403: not this user's to do). Called with the code
    first: ``StepRefused("stale", _l("..."))``; ``field`` names the form field it belongs to."""

    status = 409

    def __init__(self, code, message, status=409, *, field=None, details=()):
        super().__init__(message, field=field, details=details, status=status, code=code)


# ----- counters -------------------------------------------------------------------------------


def create_counter(*, code, name, unit=None, actor=None):
    with transaction():
        counter = Counter.create(
            code=code.strip().upper(),
            name=name.strip(),
            unit=unit,
            survey_token=secrets.token_urlsafe(12),
        )
        CounterState.create(counter=counter, state=CLOSED, since=clock.now())
        record("anggrek.counter.created", counter, actor=actor, detail={"code": counter.code})
    return counter


def update_counter(counter, *, code, name, is_active, actor=None):
    with transaction():
        state = CounterState.get_by_id(counter.id)
        if not is_active and state.state != CLOSED:
            raise StepRefused(
                "counter_open", _l("Close the counter before deactivating it."), status=422
            )
        changed = sorted(
            k
            for k, v in {"code": code, "name": name, "is_active": is_active}.items()
            if getattr(counter, k) != v
        )
        counter.code, counter.name, counter.is_active = (
            code.strip().upper(),
            name.strip(),
            is_active,
        )
        counter.save()
        record("anggrek.counter.updated", counter, actor=actor, detail={"fields": changed})
    return counter


def counter_officers():
    """Active users who may staff a counter (role ``loket``), by name."""
    return list(users_with_role("loket").order_by(User.name, User.id))


# ----- tickets --------------------------------------------------------------------------------


def issue_ticket(service, *, actor=None, at=None):
    """Issue the next ticket of the day for a service: A001, A002, ... (numbering restarts each
    WIB day). The daily sequence row is incremented under its row lock, so two desks issuing at
    once never get the same number."""
    if service not in SERVICES:
        raise StepRefused("bad_service", _l("Choose a service."), status=422)
    prefix, _label, priority = SERVICES[service]
    at = at or clock.now()
    day = clock.wib_day(at)
    with transaction():
        TicketSequence.insert(day=day, prefix=prefix, last=0).on_conflict_ignore().execute()
        TicketSequence.update(last=TicketSequence.last + 1).where(
            TicketSequence.day == day, TicketSequence.prefix == prefix
        ).execute()
        seq = TicketSequence.get(TicketSequence.day == day, TicketSequence.prefix == prefix).last
        ticket = Ticket.create(
            number=f"{prefix}{seq:03d}",
            service=service,
            issue_date=day,
            issued_at=at,
            status=WAITING,
            priority=priority,
        )
        record(
            "anggrek.ticket.issued",
            ticket,
            actor=actor,
            detail={"number": ticket.number, "service": service},
        )
    return ticket


def waiting_tickets(day=None, limit=None):
    day = day or clock.today()
    query = (
        Ticket.select()
        .where(Ticket.issue_date == day, Ticket.status == WAITING)
        .order_by(Ticket.priority.desc(), Ticket.issued_at, Ticket.id)
    )
    if limit:
        query = query.limit(limit)
    return query


# ----- the console's state machine ------------------------------------------------------------


def staffed_by(officer):
    """The CounterState of the counter this officer staffs, or None."""
    return (
        CounterState.select(CounterState, Counter)
        .join(Counter)
        .where(CounterState.officer == officer.id)
        .first()
    )


def _event(kind, counter_id, officer, at, ticket=None, outcome=None):
    return ServiceEvent.create(
        at=at,
        kind=kind,
        counter=counter_id,
        officer=officer.id,
        ticket=ticket.id if ticket is not None else None,
        outcome=outcome,
    )


def _audit(action, counter, officer, ticket=None, **extra):
    detail = {"counter": counter.code}
    if ticket is not None:
        detail["ticket"] = ticket.number
    detail.update(extra)
    record(f"anggrek.console.{action}", counter, actor=officer, detail=detail)


def _why_refused(counter, officer, ticket_id=None, wanted=None):
    """After a conditional UPDATE matched nothing: say why, from the counter's current state."""
    state = CounterState.get_by_id(counter.id)
    if state.officer_id != officer.id:
        if state.state == CLOSED:
            return StepRefused("not_open", _l("Open the counter before serving tickets."))
        return StepRefused("not_yours", _l("You do not staff this counter."), status=403)
    current = Ticket.get_by_id(state.ticket_id) if state.ticket_id else None
    if ticket_id is not None and current is not None and current.id != ticket_id:
        return StepRefused(
            "stale",
            _l(
                "This page is out of date: the counter is now at ticket %(number)s.",
                number=current.number,
            ),
        )
    if wanted == "call":
        return StepRefused(
            "busy",
            _l(
                "Finish ticket %(number)s before calling another.",
                number=current.number if current else "?",
            ),
        )
    if wanted in ("start", "recall") and state.state == IDLE:
        return StepRefused("nothing_called", _l("Call a ticket first."))
    if wanted == "start" and state.state == INTERVIEWING:
        return StepRefused(
            "already_started",
            _l("The interview of ticket %(number)s has already started.", number=current.number),
        )
    if wanted == "recall" and state.state == INTERVIEWING:
        return StepRefused(
            "already_started",
            _l(
                "Ticket %(number)s is already in interview; it cannot be called again.",
                number=current.number,
            ),
        )
    if wanted == "finish" and state.state == IDLE:
        return StepRefused("nothing_called", _l("No ticket is in progress at this counter."))
    if wanted == "finish_served" and state.state == IDLE:
        return StepRefused("nothing_called", _l("No ticket is in progress at this counter."))
    if wanted == "finish_served" and state.state == CALLING:
        return StepRefused(
            "not_started",
            _l(
                "Start the interview before finishing ticket %(number)s as served or referred "
                "(if the applicant did not come, finish it as a no-show).",
                number=current.number,
            ),
        )
    if wanted == "finish_no_show" and state.state == INTERVIEWING:
        return StepRefused(
            "started",
            _l(
                "The applicant of ticket %(number)s is in interview: finish it as served or "
                "referred, not as a no-show.",
                number=current.number,
            ),
        )
    if wanted == "close":
        return StepRefused(
            "busy_close",
            _l(
                "Finish ticket %(number)s before closing the counter.",
                number=current.number if current else "?",
            ),
        )
    return StepRefused("refused", _l("This step is not possible in the counter's current state."))


def open_counter(counter, officer, *, at=None):
    at = at or clock.now()
    if not counter.is_active:
        raise StepRefused("inactive", _l("This counter is out of service."))
    try:
        with transaction():
            mine = staffed_by(officer)
            if mine is not None:
                raise StepRefused(
                    "already_staffing",
                    _l("You already staff %(counter)s; close it first.", counter=mine.counter.name),
                )
            moved = (
                CounterState.update(state=IDLE, officer=officer.id, ticket=None, since=at)
                .where(CounterState.counter == counter.id, CounterState.state == CLOSED)
                .execute()
            )
            if not moved:
                state = CounterState.get_by_id(counter.id)
                who = User.get_by_id(state.officer_id).name if state.officer_id else "?"
                raise StepRefused(
                    "taken",
                    _l(
                        "%(counter)s is already open, staffed by %(name)s.",
                        counter=counter.name,
                        name=who,
                    ),
                )
            _event(OPEN, counter.id, officer, at)
            _audit("opened", counter, officer)
    except IntegrityError:
        # The unique officer column: the same officer opened another counter at the same moment.
        raise StepRefused("already_staffing", _l("You already staff another counter.")) from None


def close_counter(counter, officer, *, at=None):
    at = at or clock.now()
    with transaction():
        moved = (
            CounterState.update(state=CLOSED, officer=None, ticket=None, since=at)
            .where(
                CounterState.counter == counter.id,
                CounterState.officer == officer.id,
                CounterState.state == IDLE,
            )
            .execute()
        )
        if not moved:
            raise _why_refused(counter, officer, wanted="close")
        _event(CLOSE, counter.id, officer, at)
        _audit("closed", counter, officer)


def _claim_counter_for_call(counter, officer, at):
    moved = (
        CounterState.update(state=CALLING, since=at)
        .where(
            CounterState.counter == counter.id,
            CounterState.officer == officer.id,
            CounterState.state == IDLE,
        )
        .execute()
    )
    if not moved:
        raise _why_refused(counter, officer, wanted="call")


def _take_ticket(ticket, counter, officer, at):
    return (
        Ticket.update(status=CALLED, counter=counter.id, officer=officer.id, called_at=at)
        .where(Ticket.id == ticket.id, Ticket.status == WAITING)
        .execute()
    )


def _called(counter, officer, ticket, at):
    CounterState.update(ticket=ticket.id).where(CounterState.counter == counter.id).execute()
    _event(CALL, counter.id, officer, at, ticket)
    _audit("called", counter, officer, ticket)
    ticket.status, ticket.called_at = CALLED, at
    return ticket


def call_next(counter, officer, *, at=None):
    """Call the next waiting ticket of the day: priority tickets first, then by issue time."""
    at = at or clock.now()
    with transaction():
        _claim_counter_for_call(counter, officer, at)
        # Another counter may take the candidate between our read and our UPDATE: then the
        # conditional UPDATE matches nothing and we try the next one.
        for _attempt in range(20):
            ticket = waiting_tickets(clock.wib_day(at), limit=1).first()
            if ticket is None:
                raise StepRefused("queue_empty", _l("No tickets are waiting."))
            if _take_ticket(ticket, counter, officer, at):
                return _called(counter, officer, ticket, at)
        raise StepRefused("contention", _l("Other counters took the waiting tickets; try again."))


def call_ticket(counter, officer, number, *, at=None):
    """Call a given ticket of today by its number (e.g. a priority applicant pointed out)."""
    at = at or clock.now()
    number = (number or "").strip().upper()
    with transaction():
        ticket = Ticket.get_or_none(Ticket.issue_date == clock.wib_day(at), Ticket.number == number)
        if ticket is None:
            raise StepRefused(
                "no_such_ticket",
                _l("No ticket %(number)s was issued today.", number=number or "—"),
                status=422,
            )
        _claim_counter_for_call(counter, officer, at)
        if not _take_ticket(ticket, counter, officer, at):
            ticket = Ticket.get_by_id(ticket.id)
            where = Counter.get_by_id(ticket.counter_id).name if ticket.counter_id else "?"
            raise StepRefused(
                "not_waiting",
                _l(
                    "Ticket %(number)s is not waiting: it was already called at %(counter)s.",
                    number=number,
                    counter=where,
                ),
            )
        return _called(counter, officer, ticket, at)


def recall(counter, officer, ticket_id, *, at=None):
    """Call the same ticket again (the applicant did not come forward yet)."""
    at = at or clock.now()
    with transaction():
        # A no-op UPDATE that only matches in the right state: it also locks the counter's row.
        ok = (
            CounterState.update(since=CounterState.since)
            .where(
                CounterState.counter == counter.id,
                CounterState.officer == officer.id,
                CounterState.state == CALLING,
                CounterState.ticket == ticket_id,
            )
            .execute()
        )
        if not ok:
            raise _why_refused(counter, officer, ticket_id, wanted="recall")
        ticket = Ticket.get_by_id(ticket_id)
        _event(RECALL, counter.id, officer, at, ticket)
        _audit("recalled", counter, officer, ticket)
    return ticket


def start_interview(counter, officer, ticket_id, *, at=None):
    at = at or clock.now()
    with transaction():
        moved = (
            CounterState.update(state=INTERVIEWING, since=at)
            .where(
                CounterState.counter == counter.id,
                CounterState.officer == officer.id,
                CounterState.state == CALLING,
                CounterState.ticket == ticket_id,
            )
            .execute()
        )
        if not moved:
            raise _why_refused(counter, officer, ticket_id, wanted="start")
        Ticket.update(status=SERVING, started_at=at).where(
            Ticket.id == ticket_id, Ticket.status == CALLED
        ).execute()
        ticket = Ticket.get_by_id(ticket_id)
        _event(START, counter.id, officer, at, ticket)
        _audit("started", counter, officer, ticket)
    return ticket


def finish_ticket(counter, officer, ticket_id, outcome, *, at=None):
    """Finish the ticket at the counter: served or referred after an interview; no-show when
    the called applicant never came (only before an interview started)."""
    if outcome not in OUTCOMES:
        raise StepRefused("bad_outcome", _l("Choose how the ticket ended."), status=422)
    at = at or clock.now()
    expected = CALLING if outcome == NO_SHOW else INTERVIEWING
    with transaction():
        moved = (
            CounterState.update(state=IDLE, ticket=None, since=at)
            .where(
                CounterState.counter == counter.id,
                CounterState.officer == officer.id,
                CounterState.state == expected,
                CounterState.ticket == ticket_id,
            )
            .execute()
        )
        if not moved:
            wanted = "finish_no_show" if outcome == NO_SHOW else "finish_served"
            raise _why_refused(counter, officer, ticket_id, wanted=wanted)
        Ticket.update(status=DONE, outcome=outcome, finished_at=at).where(
            Ticket.id == ticket_id
        ).execute()
        ticket = Ticket.get_by_id(ticket_id)
        _event(FINISH, counter.id, officer, at, ticket, outcome)
        _audit("finished", counter, officer, ticket, outcome=outcome)
    return ticket


# ----- end of the day ------------------------------------------------------------------------


def close_day(*, at=None):
    """The end-of-day sweep (run by the scheduler after closing time; idempotent).

    ``at`` is the sweep's time (the scheduler passes its slot's, 17:30 WIB of the day to close,
    even when it runs the next morning); everything is judged as of then. Counters open and
    idle since before ``at`` are closed with a CLOSE event in the officer's name at ``at``,
    audited as done by the system; a counter opened or used after ``at`` (the next morning) is
    left alone. Counters left calling or interviewing stay as they are (the board shows them;
    only the officer knows how the ticket ended). Tickets of ``at``'s day, or earlier, that
    were never called become "not called"; later ones are not touched. Returns (closed,
    expired)."""
    at = at or clock.now()
    day = clock.wib_day(at)
    closed = 0
    for state in list(
        CounterState.select(CounterState, Counter)
        .join(Counter)
        .where(CounterState.state == IDLE, CounterState.since <= at)
    ):
        with transaction():
            moved = (
                CounterState.update(state=CLOSED, officer=None, ticket=None, since=at)
                .where(
                    CounterState.counter == state.counter_id,
                    CounterState.state == IDLE,
                    CounterState.officer == state.officer_id,
                    CounterState.since <= at,
                )
                .execute()
            )
            if not moved:
                continue
            ServiceEvent.create(
                at=at, kind=CLOSE, counter=state.counter_id, officer=state.officer_id
            )
            record(
                "anggrek.console.closed_by_sweep",
                state.counter,
                actor=None,
                detail={"counter": state.counter.code, "officer_id": state.officer_id},
            )
            closed += 1
    with transaction():
        expired = (
            Ticket.update(status=NOT_CALLED)
            .where(Ticket.status == WAITING, Ticket.issue_date <= day)
            .execute()
        )
        if expired or closed:
            record(
                "anggrek.day_closed",
                object_type="Ticket",
                actor=None,
                detail={
                    "day": day.isoformat(),
                    "counters_closed": closed,
                    "tickets_not_called": expired,
                },
            )
    return closed, expired
