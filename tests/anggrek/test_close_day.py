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
