"""Si Anggrek's page reads: the board's two fixed queries, the console's recent steps and the
closed counters, a day's tickets, the counters, the flag cases a user may see, the satisfaction
page's comments, and the people and units those pages name. Reads only; the views call them.

The board is polled every two seconds by every supervisor's screen, so its two queries are fixed
SQL over small things: the one-row-per-counter state table (joined to its counter, officer and
current ticket) and today's waiting tickets through the (issue_date, status) index. They never
touch the service events.
"""

from collections import namedtuple

from peewee import JOIN

from ..extensions import db, is_postgres
from ..people.models import Unit, User
from . import clock, flags
from .models import (
    FLAG_INVESTIGATING,
    FLAG_OPEN,
    WAITING,
    Counter,
    CounterState,
    Flag,
    ServiceEvent,
    SurveyResponse,
    Ticket,
)

# ----- the board ------------------------------------------------------------------------------

BoardRow = namedtuple("BoardRow", "code name state since officer ticket")

_BOARD_SQL = (
    "SELECT c.code, c.name, s.state, s.since, u.name, t.number "
    "FROM anggrek_counter_state AS s "
    "JOIN anggrek_counter AS c ON c.id = s.counter_id "
    'LEFT OUTER JOIN "user" AS u ON u.id = s.officer_id '
    "LEFT OUTER JOIN anggrek_ticket AS t ON t.id = s.ticket_id "
    "WHERE c.is_active = {true} ORDER BY c.code"
)

_QUEUE_SQL = (
    "SELECT service, COUNT(*), MIN(issued_at) FROM anggrek_ticket "
    "WHERE issue_date = {p} AND status = {p} GROUP BY service"
)


def board_rows():
    """Every active counter: (code, name, state, since, officer name, ticket number)."""
    sql = _BOARD_SQL.format(true="TRUE" if is_postgres() else "1")
    to_datetime = CounterState.since.python_value
    return [
        BoardRow(code, name, state, to_datetime(since), officer, number)
        for code, name, state, since, officer, number in db.execute_sql(sql).fetchall()
    ]


def queue_summary(day=None):
    """Tickets waiting now: total, per service, and the longest-waiting ticket's issue time."""
    day = day or clock.today()
    sql = _QUEUE_SQL.format(p=db.obj.param)
    cursor = db.execute_sql(sql, (Ticket.issue_date.db_value(day), WAITING))
    to_datetime = Ticket.issued_at.python_value
    by_service = {}
    oldest = None
    for service, count, first in cursor.fetchall():
        by_service[service] = count
        first = to_datetime(first)
        if first is not None and (oldest is None or first < oldest):
            oldest = first
    return {"total": sum(by_service.values()), "by_service": by_service, "oldest": oldest}


# ----- the console ----------------------------------------------------------------------------


def recent_steps(officer_id, start, end, limit=12):
    """The officer's service events in [start, end), newest first, with their tickets."""
    return list(
        ServiceEvent.select(ServiceEvent, Ticket)
        .join(Ticket, join_type=JOIN.LEFT_OUTER)
        .where(ServiceEvent.officer == officer_id, ServiceEvent.at >= start, ServiceEvent.at < end)
        .order_by(ServiceEvent.at.desc(), ServiceEvent.id.desc())
        .limit(limit)
    )


def closed_counters():
    """The active counters nobody staffs, by code (the console offers to open one)."""
    return list(
        CounterState.select(CounterState, Counter)
        .join(Counter)
        .where(CounterState.state == "closed", Counter.is_active == True)  # noqa: E712
        .order_by(Counter.code)
    )


# ----- tickets and counters -------------------------------------------------------------------


def tickets_of_day(day, limit=300):
    """The day's tickets, the last issued first, with their counters."""
    return list(
        Ticket.select(Ticket, Counter)
        .join(Counter, join_type=JOIN.LEFT_OUTER)
        .where(Ticket.issue_date == day)
        .order_by(Ticket.issued_at.desc(), Ticket.id.desc())
        .limit(limit)
    )


def all_counters():
    return list(Counter.select().order_by(Counter.code))


def counter_code_taken(code, other_than=None):
    """Does a counter (other than the one with id ``other_than``) have this code?"""
    query = Counter.select().where(Counter.code == code)
    if other_than is not None:
        query = query.where(Counter.id != other_than)
    return query.exists()


# ----- flags ----------------------------------------------------------------------------------


UNDECIDED = "undecided"


def flag_cases(user, status=None, limit=500):
    """The cases ``user`` may see (flags.visible_to), newest first, of ``status`` when given
    (``UNDECIDED``: open or under investigation, what the head still has to decide)."""
    query = flags.visible_to(user).order_by(Flag.created_at.desc())
    if status == UNDECIDED:
        query = query.where(Flag.status.in_((FLAG_OPEN, FLAG_INVESTIGATING)))
    elif status:
        query = query.where(Flag.status == status)
    return list(query.limit(limit))


# ----- people and units named on a page -------------------------------------------------------


def users_by_id(ids):
    """{id: User} of the given user ids."""
    ids = list(ids)
    return {u.id: u for u in User.select().where(User.id.in_(ids))} if ids else {}


def units_by_id(ids):
    ids = list(ids)
    return {u.id: u for u in Unit.select().where(Unit.id.in_(ids))} if ids else {}


def direct_report_ids(supervisor_id):
    """The ids of the users who name ``supervisor_id`` as their direct supervisor."""
    return {u.id for u in User.select(User.id).where(User.supervisor == supervisor_id)}


# ----- satisfaction ---------------------------------------------------------------------------


def survey_comments(start, end, limit=15):
    """The latest survey responses with a comment in [start, end), with their counters."""
    return list(
        SurveyResponse.select(SurveyResponse, Counter)
        .join(Counter)
        .where(
            SurveyResponse.submitted_at >= start,
            SurveyResponse.submitted_at < end,
            SurveyResponse.comment != "",
        )
        .order_by(SurveyResponse.submitted_at.desc())
        .limit(limit)
    )
