"""The end-of-day sweep: idle counters closed, uncalled tickets marked, idempotent."""

from intranet.anggrek import jobs, services
from intranet.anggrek.models import CounterState, ServiceEvent, Ticket
from intranet.scheduling import load_job_modules

from .conftest import at


def test_close_day_sweep(make_counter, make_officer, clock):
    idle, busy, closed = make_counter(), make_counter(), make_counter()
    o1, o2 = make_officer(), make_officer()
    services.issue_ticket("paspor_baru", at=at(0))
    services.issue_ticket("paspor_baru", at=at(1))
    services.issue_ticket("paspor_baru", at=at(2))
    services.open_counter(idle, o1, at=at(3))
    services.open_counter(busy, o2, at=at(3))
    services.call_next(busy, o2, at=at(4))
    sweep = at(9 * 60 + 30)  # 17:30 WIB
    clock.set(sweep)

    assert "anggrek.close_day" in load_job_modules()
    assert jobs.close_day() == {"counters_closed": 1, "tickets_not_called": 2}
    states = {cs.counter_id: cs.state for cs in CounterState.select()}
    assert states == {idle.id: "closed", busy.id: "calling", closed.id: "closed"}
    last = ServiceEvent.select().order_by(ServiceEvent.id.desc()).get()
    assert (last.kind, last.officer_id, last.at) == ("close", o1.id, sweep)
    assert Ticket.select().where(Ticket.status == "not_called").count() == 2
    # twice: nothing more happens
    events = ServiceEvent.select().count()
    assert jobs.close_day() == {"counters_closed": 0, "tickets_not_called": 0}
    assert ServiceEvent.select().count() == events
    # the busy officer can still finish the ticket the next morning
    t = Ticket.get(Ticket.status == "called")
    services.finish_ticket(busy, o2, t.id, "no_show", at=sweep)


def test_a_close_day_run_late_closes_its_own_evening_and_not_the_next_morning(
    make_counter, make_officer, clock, run_jobs
):
    """Issue 15 item 2: the worker is down at 17:30 WIB and starts the next morning after the
    first tickets were issued and a counter opened. The evening's slot, run then, closes the
    evening (as of 17:30) and touches nothing of the morning."""
    import datetime as dt
    import json

    from intranet.audit.models import AuditEntry
    from intranet.jobs import scheduler
    from intranet.jobs.models import ScheduledRun

    evening, morning = make_counter(), make_counter()
    o1, o2 = make_officer(), make_officer()
    # Day one (27 Nov): a counter left open and idle, two tickets never called.
    services.open_counter(evening, o1, at=at(3))
    services.issue_ticket("paspor_baru", at=at(10))
    services.issue_ticket("paspor_baru", at=at(20))
    slot = at(9 * 60 + 30)  # 17:30 WIB: the worker is down
    # Day two (28 Nov), from 07:00 WIB: eleven tickets issued, another counter opened.
    next_morning = at(23 * 60)  # 07:00 WIB the next day
    for minute in range(11):
        services.issue_ticket("paspor_baru", at=next_morning + dt.timedelta(minutes=minute))
    services.open_counter(morning, o2, at=next_morning + dt.timedelta(minutes=30))
    started = next_morning + dt.timedelta(minutes=36)  # the worker starts at 07:36 WIB
    clock.set(started)

    jobs_ = load_job_modules()
    assert scheduler.tick(started, {"anggrek.close_day": jobs_["anggrek.close_day"]}) == [
        "anggrek.close_day"
    ]
    assert ScheduledRun.get(ScheduledRun.job == "anggrek.close_day").slot == slot
    run_jobs()

    run = ScheduledRun.get(ScheduledRun.job == "anggrek.close_day")
    assert run.status == "ok", run.outcome
    states = {cs.counter_id: cs.state for cs in CounterState.select()}
    assert states[evening.id] == "closed" and states[morning.id] == "idle"
    close = ServiceEvent.get(ServiceEvent.kind == "close")
    assert (close.counter_id, close.at) == (evening.id, slot)
    by_day = {}
    for ticket in Ticket.select():
        by_day.setdefault((ticket.issue_date.isoformat(), ticket.status), []).append(ticket.id)
    assert {key: len(ids) for key, ids in by_day.items()} == {
        ("2026-11-27", "not_called"): 2,
        ("2026-11-28", "waiting"): 11,
    }
    entry = AuditEntry.get(AuditEntry.action == "anggrek.day_closed")
    assert json.loads(entry.detail) == {
        "day": "2026-11-27",
        "counters_closed": 1,
        "tickets_not_called": 2,
    }
    # The morning's own 17:30 slot closes the morning later that day, as usual.
    evening_two = slot + dt.timedelta(days=1)
    clock.set(evening_two)
    assert services.close_day(at=evening_two) == (1, 11)
