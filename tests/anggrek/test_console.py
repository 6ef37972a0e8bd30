"""The counter console's state machine: legal steps, illegal steps refused with a clear message,
and concurrent steps of which only one wins."""

import threading

import pytest

from intranet.anggrek import services
from intranet.anggrek.models import (
    CALLED,
    CALLING,
    CLOSED,
    DONE,
    IDLE,
    INTERVIEWING,
    WAITING,
    CounterState,
    ServiceEvent,
    Ticket,
)
from intranet.anggrek.services import StepRefused
from intranet.audit.models import AuditEntry

from .conftest import at


def state_of(counter):
    return CounterState.get_by_id(counter.id)


def kinds(officer):
    return [
        (e.kind, e.outcome)
        for e in ServiceEvent.select()
        .where(ServiceEvent.officer == officer.id)
        .order_by(ServiceEvent.id)
    ]


def test_a_full_shift_is_recorded_as_events(make_counter, make_officer, clock):
    counter, officer = make_counter(), make_officer()
    a1 = services.issue_ticket("paspor_baru", at=at(0))
    a2 = services.issue_ticket("paspor_baru", at=at(1))
    assert (a1.number, a2.number) == ("A001", "A002")

    services.open_counter(counter, officer, at=at(2))
    assert state_of(counter).state == IDLE
    called = services.call_next(counter, officer, at=at(3))
    assert called.id == a1.id
    st = state_of(counter)
    assert (st.state, st.ticket_id, st.since) == (CALLING, a1.id, at(3))
    services.recall(counter, officer, a1.id, at=at(4))
    services.start_interview(counter, officer, a1.id, at=at(5))
    assert state_of(counter).state == INTERVIEWING
    services.finish_ticket(counter, officer, a1.id, "served", at=at(9))
    services.call_next(counter, officer, at=at(10))
    services.finish_ticket(counter, officer, a2.id, "no_show", at=at(12))
    services.close_counter(counter, officer, at=at(13))

    assert kinds(officer) == [
        ("open", None),
        ("call", None),
        ("recall", None),
        ("start", None),
        ("finish", "served"),
        ("call", None),
        ("finish", "no_show"),
        ("close", None),
    ]
    t1, t2 = Ticket.get_by_id(a1.id), Ticket.get_by_id(a2.id)
    assert (t1.status, t1.outcome, t1.called_at, t1.started_at, t1.finished_at) == (
        DONE,
        "served",
        at(3),
        at(5),
        at(9),
    )
    assert (t2.status, t2.outcome, t2.started_at) == (DONE, "no_show", None)
    st = state_of(counter)
    assert (st.state, st.officer_id, st.ticket_id) == (CLOSED, None, None)
    actions = [a.action for a in AuditEntry.select().order_by(AuditEntry.id)]
    assert "anggrek.console.called" in actions and "anggrek.console.finished" in actions


def test_ticket_numbers_restart_each_day_per_service(app_ctx, clock):
    import datetime as dt

    assert services.issue_ticket("penggantian", at=at(0)).number == "B001"
    assert services.issue_ticket("penggantian", at=at(1)).number == "B002"
    assert services.issue_ticket("prioritas", at=at(2)).number == "P001"
    tomorrow = at(0) + dt.timedelta(days=1)
    assert services.issue_ticket("penggantian", at=tomorrow).number == "B001"


def test_priority_tickets_are_called_first(make_counter, make_officer, clock):
    counter, officer = make_counter(), make_officer()
    services.issue_ticket("paspor_baru", at=at(0))
    p = services.issue_ticket("prioritas", at=at(1))
    services.open_counter(counter, officer, at=at(2))
    assert services.call_next(counter, officer, at=at(3)).id == p.id


def test_call_a_given_ticket(make_counter, make_officer, clock):
    counter, officer = make_counter(), make_officer()
    services.issue_ticket("paspor_baru", at=at(0))
    a2 = services.issue_ticket("paspor_baru", at=at(1))
    services.open_counter(counter, officer, at=at(2))
    assert services.call_ticket(counter, officer, " a002 ", at=at(3)).id == a2.id
    with pytest.raises(StepRefused) as exc:
        services.call_ticket(counter, officer, "A001", at=at(4))
    assert exc.value.code == "busy"


@pytest.mark.parametrize(
    "setup, step, code",
    [
        # finish before start (served or referred needs an interview)
        (
            "calling",
            lambda c, o, t: services.finish_ticket(c, o, t, "served", at=at(20)),
            "not_started",
        ),
        (
            "calling",
            lambda c, o, t: services.finish_ticket(c, o, t, "referred", at=at(20)),
            "not_started",
        ),
        # two calls at once: the counter is already calling
        ("calling", lambda c, o, t: services.call_next(c, o, at=at(20)), "busy"),
        ("interviewing", lambda c, o, t: services.call_next(c, o, at=at(20)), "busy"),
        # start twice, start with nothing called
        (
            "interviewing",
            lambda c, o, t: services.start_interview(c, o, t, at=at(20)),
            "already_started",
        ),
        ("idle", lambda c, o, t: services.start_interview(c, o, t, at=at(20)), "nothing_called"),
        # a no-show after the interview started
        (
            "interviewing",
            lambda c, o, t: services.finish_ticket(c, o, t, "no_show", at=at(20)),
            "started",
        ),
        # finish with nothing in progress
        (
            "idle",
            lambda c, o, t: services.finish_ticket(c, o, t, "served", at=at(20)),
            "nothing_called",
        ),
        # close while serving
        ("calling", lambda c, o, t: services.close_counter(c, o, at=at(20)), "busy_close"),
        # recall after the interview started
        ("interviewing", lambda c, o, t: services.recall(c, o, t, at=at(20)), "already_started"),
        # an outcome that does not exist
        (
            "interviewing",
            lambda c, o, t: services.finish_ticket(c, o, t, "lost", at=at(20)),
            "bad_outcome",
        ),
    ],
)
def test_illegal_steps_are_refused_and_change_nothing(
    make_counter, make_officer, clock, setup, step, code
):
    counter, officer = make_counter(), make_officer()
    services.issue_ticket("paspor_baru", at=at(0))
    services.issue_ticket("paspor_baru", at=at(1))
    services.open_counter(counter, officer, at=at(2))
    ticket_id = None
    if setup in ("calling", "interviewing"):
        ticket_id = services.call_next(counter, officer, at=at(3)).id
    if setup == "interviewing":
        services.start_interview(counter, officer, ticket_id, at=at(4))
    before_state = state_of(counter).__data__
    before_events = ServiceEvent.select().count()
    before_tickets = [t.__data__ for t in Ticket.select().order_by(Ticket.id)]
    with pytest.raises(StepRefused) as exc:
        step(counter, officer, ticket_id or 0)
    assert exc.value.code == code
    assert state_of(counter).__data__ == before_state
    assert ServiceEvent.select().count() == before_events
    assert [t.__data__ for t in Ticket.select().order_by(Ticket.id)] == before_tickets


def test_steps_on_a_closed_or_someone_elses_counter_are_refused(make_counter, make_officer, clock):
    counter, officer, other = make_counter(), make_officer(), make_officer()
    services.issue_ticket("paspor_baru", at=at(0))
    with pytest.raises(StepRefused) as exc:
        services.call_next(counter, officer, at=at(1))
    assert exc.value.code == "not_open"
    services.open_counter(counter, other, at=at(1))
    with pytest.raises(StepRefused) as exc:
        services.call_next(counter, officer, at=at(2))
    assert exc.value.code == "not_yours"
    with pytest.raises(StepRefused) as exc:
        services.open_counter(counter, officer, at=at(2))
    assert exc.value.code == "taken"
    # one officer, one counter
    second = make_counter()
    with pytest.raises(StepRefused) as exc:
        services.open_counter(second, other, at=at(3))
    assert exc.value.code == "already_staffing"


def test_empty_queue_leaves_the_counter_idle(make_counter, make_officer, clock):
    counter, officer = make_counter(), make_officer()
    services.open_counter(counter, officer, at=at(0))
    with pytest.raises(StepRefused) as exc:
        services.call_next(counter, officer, at=at(1))
    assert exc.value.code == "queue_empty"
    assert state_of(counter).state == IDLE  # the claim of the counter was rolled back


def test_a_stale_page_cannot_finish_another_ticket(make_counter, make_officer, clock):
    counter, officer = make_counter(), make_officer()
    a1 = services.issue_ticket("paspor_baru", at=at(0))
    services.issue_ticket("paspor_baru", at=at(0, 30))
    services.open_counter(counter, officer, at=at(1))
    services.call_next(counter, officer, at=at(2))
    services.finish_ticket(counter, officer, a1.id, "no_show", at=at(3))
    services.call_next(counter, officer, at=at(4))  # now at A002
    with pytest.raises(StepRefused) as exc:
        services.start_interview(counter, officer, a1.id, at=at(5))  # the old page's button
    assert exc.value.code == "stale"


def _run_at_once(app, funcs):
    """Run the functions in threads released together; each in its own app context and
    database connection. Returns [(result or exception)]."""
    from intranet.extensions import db

    barrier = threading.Barrier(len(funcs))
    results = [None] * len(funcs)

    def worker(i, fn):
        with app.app_context():
            db.connect(reuse_if_open=True)
            try:
                barrier.wait()
                results[i] = fn()
            except Exception as exc:  # collected for the assertions
                results[i] = exc
            finally:
                db.close()

    threads = [threading.Thread(target=worker, args=(i, fn)) for i, fn in enumerate(funcs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_two_calls_at_once_on_one_counter_only_one_wins(app, make_counter, make_officer, clock):
    from intranet.extensions import db

    counter, officer = make_counter(), make_officer()
    for i in range(3):
        services.issue_ticket("paspor_baru", at=at(0, i))
    services.open_counter(counter, officer, at=at(1))
    db.close()  # let the threads have the database
    results = _run_at_once(app, [lambda: services.call_next(counter, officer, at=at(2))] * 2)
    db.connect(reuse_if_open=True)
    won = [r for r in results if isinstance(r, Ticket)]
    refused = [r for r in results if isinstance(r, StepRefused)]
    assert len(won) == 1 and len(refused) == 1, results
    assert refused[0].code == "busy"
    assert Ticket.select().where(Ticket.status == CALLED).count() == 1
    assert Ticket.select().where(Ticket.status == WAITING).count() == 2
    assert ServiceEvent.select().where(ServiceEvent.kind == "call").count() == 1


def test_two_counters_calling_the_last_ticket_only_one_gets_it(
    app, make_counter, make_officer, clock
):
    from intranet.extensions import db

    c1, c2 = make_counter(), make_counter()
    o1, o2 = make_officer(), make_officer()
    only = services.issue_ticket("paspor_baru", at=at(0))
    services.open_counter(c1, o1, at=at(1))
    services.open_counter(c2, o2, at=at(1))
    db.close()
    results = _run_at_once(
        app,
        [
            lambda: services.call_next(c1, o1, at=at(2)),
            lambda: services.call_next(c2, o2, at=at(2)),
        ],
    )
    db.connect(reuse_if_open=True)
    won = [r for r in results if isinstance(r, Ticket)]
    refused = [r for r in results if isinstance(r, StepRefused)]
    assert len(won) == 1 and won[0].id == only.id, results
    assert refused[0].code == "queue_empty"
    states = sorted(CounterState.select().tuples().iterator(), key=lambda r: r[0])
    assert sorted(s[1] for s in states) == [CALLING, IDLE]


def test_console_over_http_answers_refusals_with_409_and_a_message(
    client, login_as, make_counter, make_officer, clock
):
    counter, officer = make_counter(), make_officer()
    login_as(officer)
    r = client.post_form(f"/anggrek/console/{counter.id}/open", htmx=True, token_from="/home")
    assert r.status_code == 200 and 'data-state="idle"' in r.get_data(as_text=True)
    r = client.post_form(f"/anggrek/console/{counter.id}/call", htmx=True, token_from="/home")
    assert r.status_code == 409
    assert "Tidak ada tiket yang menunggu." in r.get_data(as_text=True)  # Indonesian by default
    services.issue_ticket("paspor_baru", at=at(0))
    r = client.post_form(f"/anggrek/console/{counter.id}/call", htmx=True, token_from="/home")
    assert r.status_code == 200 and "A001" in r.get_data(as_text=True)
    ticket_id = Ticket.get(Ticket.number == "A001").id
    r = client.post_form(
        f"/anggrek/console/{counter.id}/finish",
        {"ticket_id": ticket_id, "outcome": "served"},
        htmx=True,
        token_from="/home",
    )
    assert r.status_code == 409
    html = r.get_data(as_text=True)
    assert 'id="console-error"' in html and "Mulai wawancara" in html
    # without htmx: the message is flashed and the console reloaded
    r = client.post_form(f"/anggrek/console/{counter.id}/call", token_from="/home")
    assert r.status_code == 303
    page = client.get("/anggrek/console").get_data(as_text=True)
    assert "Selesaikan tiket A001" in page


def test_console_steps_on_unknown_counters_are_404(client, login_as, make_officer, clock):
    login_as(make_officer())
    assert (
        client.post_form("/anggrek/console/999/call", htmx=True, token_from="/home").status_code
        == 404
    )


def test_console_steps_name_the_next_control_and_what_to_announce(
    client, login_as, make_counter, make_officer, clock
):
    """Each step's fragment says where the keyboard goes next and what happened (core/live.py),
    in the officer's language; a refusal keeps the keyboard where it can be corrected."""
    import json

    counter = make_counter(name="Loket 1")
    login_as(make_officer(language="en"))

    def step(action, **data):
        r = client.post_form(
            f"/anggrek/console/{counter.id}/{action}", data, htmx=True, token_from="/home"
        )
        return r.status_code, json.loads(r.headers["HX-Trigger-After-Settle"])[
            "intranet:after-swap"
        ]

    assert step("open") == (
        200,
        {"message": "Loket 1 opened", "focus": "#call-next", "fallback": "#console-title"},
    )
    status, detail = step("call")  # nobody waits: the message is in the console (role=alert)
    assert (status, detail.get("message"), detail["focus"]) == (409, None, "#call-next")
    status, detail = step("call", number="A999")
    assert (status, detail["focus"]) == (422, "#call-number")  # no such ticket
    services.issue_ticket("paspor_baru", at=at(0))
    ticket_id = Ticket.get(Ticket.number == "A001").id
    assert step("call")[1]["message"] == "Ticket A001 called"
    assert step("recall", ticket_id=ticket_id)[1] == {
        "message": "Ticket A001 called again",
        "focus": "#start-interview",
        "fallback": "#console-title",
    }
    status, detail = step("start", ticket_id=ticket_id)
    assert (detail["message"], detail["focus"]) == (
        "Interview with ticket A001 started",
        "#finish-served",
    )
    status, detail = step("finish", ticket_id=ticket_id, outcome="referred")
    assert (detail["message"], detail["focus"]) == ("Ticket A001 finished: Referred", "#call-next")
    status, detail = step("close")
    assert (detail["message"], detail["focus"]) == ("Counter closed", "#open-counters button")


def test_a_typed_ticket_number_in_a_refusal_is_escaped(
    client, login_as, make_counter, make_officer
):
    """The refusal repeats what the officer typed ("No ticket <b>X' was issued today"): as text,
    never as markup (Flask-Babel's lazy strings call themselves safe HTML; issue 16)."""
    counter = make_counter(name="Loket 1")
    login_as(make_officer(language="en"))
    client.post_form(f"/anggrek/console/{counter.id}/open", htmx=True, token_from="/home")
    r = client.post_form(
        f"/anggrek/console/{counter.id}/call", {"number": "<b>x'"}, htmx=True, token_from="/home"
    )
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "&lt;B&gt;X&#39;" in html and "<B>X'" not in html
