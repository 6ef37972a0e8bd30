"""Demo data: counters, simulated days that obey the console's state machine, a live morning,
satisfaction responses and flag cases; the pages render over it."""

import datetime as dt
import random

from intranet.anggrek import metrics, simulate
from intranet.anggrek.models import (
    CALLING,
    INTERVIEWING,
    Counter,
    CounterState,
    Flag,
    ServiceEvent,
    SurveyResponse,
    Ticket,
)

# (state before, event kind, outcome) -> state after
LEGAL = {
    ("closed", "open", None): "idle",
    ("idle", "call", None): "calling",
    ("calling", "recall", None): "calling",
    ("calling", "start", None): "interviewing",
    ("calling", "finish", "no_show"): "idle",
    ("interviewing", "finish", "served"): "idle",
    ("interviewing", "finish", "referred"): "idle",
    ("idle", "close", None): "closed",
}


def replay(events):
    """Replay events per counter; fail on any step the console would refuse."""
    state = {}
    for at, kind, counter_id, _officer, _ticket, outcome in events:
        before = state.get(counter_id, "closed")
        after = LEGAL.get((before, kind, outcome))
        assert after is not None, f"illegal {kind}/{outcome} from {before} at {at}"
        state[counter_id] = after
    return state


def test_simulated_days_obey_the_state_machine():
    rng = random.Random(1)
    tickets, events = simulate.simulate_day(
        dt.date(2026, 11, 26), [(1, 10), (2, 11), (3, 12)], rng, first_ticket_id=1
    )
    assert set(replay(events).values()) == {"closed"}
    assert len({t[1] for t in tickets}) == len(tickets)  # numbers unique within the day
    assert all(t[5] == "done" for t in tickets)
    calls = [e for e in events if e[1] == "call"]
    assert len(calls) == len(tickets)


def test_demo_load(app_ctx, client, login_as, monkeypatch):
    _demo_load(client, login_as, monkeypatch)


def test_demo_load_just_after_midnight(app_ctx, client, login_as, monkeypatch):
    """Loaded at 00:02 WIB (./run started then, once): the live morning's tickets, taken
    "40 minutes ago", would fall on yesterday, whose simulated day already holds A001."""
    from intranet.anggrek import clock

    at = dt.datetime(2026, 12, 7, 17, 2, 34)  # 2026-12-08 00:02:34 WIB, a Tuesday
    monkeypatch.setattr(clock, "now", lambda: at)
    _demo_load(client, login_as, monkeypatch)
    live = Ticket.select().where(Ticket.issue_date == dt.date(2026, 12, 8))
    assert live.count() == 14
    assert all(clock.wib_day(t.issued_at) == t.issue_date for t in Ticket.select())


def _demo_load(client, login_as, monkeypatch):
    from intranet.anggrek import demo
    from intranet.demo import load_demo
    from intranet.people.models import User

    monkeypatch.setattr(demo, "HISTORY_DAYS", 4)  # the office loads 14; fewer keep this quick

    assert load_demo(staff=60)
    assert Counter.select().count() == 8
    events = list(
        ServiceEvent.select(
            ServiceEvent.at,
            ServiceEvent.kind,
            ServiceEvent.counter,
            ServiceEvent.officer,
            ServiceEvent.ticket,
            ServiceEvent.outcome,
        )
        .order_by(ServiceEvent.at, ServiceEvent.id)
        .tuples()
    )
    assert len(events) > 500
    live = replay(events)
    states = {cs.counter_id: cs.state for cs in CounterState.select()}
    for counter_id, state in states.items():
        assert live.get(counter_id, "closed") == state
    assert CALLING in states.values() and INTERVIEWING in states.values()
    assert Ticket.select().where(Ticket.status == "waiting").count() > 0
    assert SurveyResponse.select().count() > 20
    assert Flag.select().count() == 2
    first = Ticket.select().order_by(Ticket.issue_date).first().issue_date
    stats = metrics.per_officer(metrics.load(first, first + dt.timedelta(days=30)))
    assert sum(s.served for s in stats.values()) > 50

    login_as(User.get(User.email.startswith("kepala@")))
    for path in (
        "/anggrek/board",
        "/anggrek/metrics?period=month",
        "/anggrek/satisfaction",
        "/anggrek/flags",
        "/anggrek/counters",
    ):
        r = client.get(path)
        assert r.status_code == 200, path
