"""Si Anggrek's live board (and its polling fragment) over ``size`` stored service events.

20 counters of the traffic section served by 40 officers over as many past working days as it
takes to reach ``size`` events (about 3,400 a day: five and a half years for 5,000,000), written
in bulk (executemany on SQLite, COPY on PostgreSQL), then this morning's live state: 14 counters
open, some calling or interviewing, 30 tickets waiting. The board reads the 20-row counter-state
table and today's waiting tickets through an index; it never scans the events.
"""

import datetime as dt
import random
import secrets

from intranet.anggrek import clock, simulate
from intranet.anggrek.models import (
    CALL,
    CALLING,
    CLOSED,
    IDLE,
    INTERVIEWING,
    OPEN,
    START,
    Counter,
    CounterState,
    Ticket,
)
from intranet.extensions import transaction
from intranet.people.models import UserRole

COUNTERS = 20
OFFICERS = 40
BATCH_EVENTS = 200_000


def _working_days_back(start):
    day = start
    while True:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            yield day


def populate(size, people):
    rng = random.Random(2026)
    officers = people.staff_ids[-OFFICERS:]
    with transaction():
        UserRole.insert_many([{"user": o, "role": "loket"} for o in officers]).execute()
        counters = []
        for i in range(1, COUNTERS + 1):
            counters.append(
                Counter.create(
                    code=f"L{i:02d}",
                    name=f"Loket {i}",
                    unit=people.unit_ids[0],
                    survey_token=secrets.token_urlsafe(12),
                )
            )
    counter_ids = [c.id for c in counters]
    next_id = (Ticket.select(Ticket.id).order_by(Ticket.id.desc()).scalar() or 0) + 1

    written = 0
    tickets, events = [], []
    days = _working_days_back(clock.today())
    while written + len(events) < size:
        day = next(days)
        staff = rng.sample(officers, COUNTERS - rng.randint(0, 2))
        staffing = list(zip(counter_ids, staff, strict=False))
        day_tickets, day_events = simulate.simulate_day(day, staffing, rng, next_id)
        next_id += len(day_tickets)
        tickets.extend(day_tickets)
        events.extend(day_events)
        if len(events) >= BATCH_EVENTS:
            written += _flush(tickets, events)
    written += _flush(tickets, events)
    simulate.reset_sequence("anggrek_ticket")
    _live_morning(counters, officers, rng)
    return [
        ("anggrek_board", "/anggrek/board", "atasan"),
        ("anggrek_board_live", "/anggrek/board/live", "atasan"),
    ]


def _flush(tickets, events):
    simulate.bulk_insert("anggrek_ticket", simulate.TICKET_COLUMNS, tickets)
    n = simulate.bulk_insert("anggrek_service_event", simulate.EVENT_COLUMNS, events)
    tickets.clear()
    events.clear()
    return n


def _live_morning(counters, officers, rng):
    """Today: 14 counters open (4 calling, 6 interviewing, 4 idle), 30 tickets waiting."""
    now = clock.now()
    today = clock.today()
    minute = dt.timedelta(minutes=1)
    with transaction():
        serving = []
        for i in range(10):
            t = Ticket.create(
                number=f"A{i + 1:03d}",
                service="paspor_baru",
                issue_date=today,
                issued_at=now - 60 * minute + i * minute,
                status="called",
            )
            serving.append(t)
        for i in range(30):
            Ticket.create(
                number=f"B{i + 1:03d}",
                service="penggantian",
                issue_date=today,
                issued_at=now - 40 * minute + i * minute,
            )
        states = []
        for i, counter in enumerate(counters):
            if i >= 14:
                states.append(
                    dict(
                        counter=counter.id,
                        state=CLOSED,
                        officer=None,
                        ticket=None,
                        since=now - 90 * minute,
                    )
                )
                continue
            officer = officers[i]
            opened = now - 70 * minute
            simulate.bulk_insert(
                "anggrek_service_event",
                simulate.EVENT_COLUMNS,
                [(opened, OPEN, counter.id, officer, None, None)],
            )
            if i < 10:
                t = serving[i]
                called = now - (12 - i) * minute
                rows = [(called, CALL, counter.id, officer, t.id, None)]
                state, since = CALLING, called
                Ticket.update(counter=counter.id, officer=officer, called_at=called).where(
                    Ticket.id == t.id
                ).execute()
                if i >= 4:
                    started = called + minute
                    rows.append((started, START, counter.id, officer, t.id, None))
                    state, since = INTERVIEWING, started
                    Ticket.update(status="serving", started_at=started).where(
                        Ticket.id == t.id
                    ).execute()
                simulate.bulk_insert("anggrek_service_event", simulate.EVENT_COLUMNS, rows)
                states.append(
                    dict(counter=counter.id, state=state, officer=officer, ticket=t.id, since=since)
                )
            else:
                states.append(
                    dict(
                        counter=counter.id,
                        state=IDLE,
                        officer=officer,
                        ticket=None,
                        since=now - rng.randint(1, 20) * minute,
                    )
                )
        CounterState.insert_many(states).execute()
