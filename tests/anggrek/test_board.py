"""The live board: every counter's state, time in state and the queue, from the small table of
counter states; its polling fragment has its own policy."""

import re

from intranet.anggrek import services

from .conftest import at


def cards(html):
    return dict(re.findall(r'data-counter="([^"]+)" data-state="([^"]+)"', html))


def test_board_shows_states_time_in_state_and_queue(
    client, login_as, make_user, make_counter, make_officer, clock
):
    c1, c2 = make_counter(), make_counter()
    make_counter()  # L03 stays closed
    o1, o2 = make_officer(name="Budi Petugas"), make_officer()
    for i in range(4):
        services.issue_ticket("paspor_baru", at=at(0, i))
    services.issue_ticket("prioritas", at=at(1))
    services.open_counter(c1, o1, at=at(2))
    services.open_counter(c2, o2, at=at(2))
    t = services.call_next(c1, o1, at=at(3))  # the priority ticket
    services.start_interview(c1, o1, t.id, at=at(4))
    services.call_next(c2, o2, at=at(5))
    clock.set(at(6, 30))

    login_as(make_user("atasan"))
    html = client.get("/anggrek/board/live").get_data(as_text=True)
    assert cards(html) == {"L01": "interviewing", "L02": "calling", "L03": "closed"}
    l01 = html[html.index('data-counter="L01"') : html.index('data-counter="L02"')]
    assert "Budi Petugas" in l01 and "P001" in l01
    assert 'data-role="time">2:30<' in l01  # interviewing since @4, now @6:30
    assert 'id="board-waiting">3<' in html  # five issued, two called
    assert ">6:29<" in html  # the longest wait: A002, issued @0:01
    page = client.get("/anggrek/board").get_data(as_text=True)
    assert 'hx-get="/anggrek/board/live"' in page and 'hx-trigger="every 2s"' in page


def test_board_fragment_policy(client, login_as, make_user, make_officer):
    r = client.get("/anggrek/board/live", headers={"HX-Request": "true"})
    assert r.status_code == 204 and r.headers["X-Auth-Required"] == "1"  # HX-Redirect to login
    login_as(make_officer())
    assert client.get("/anggrek/board/live").status_code == 403
    login_as(make_user("kepala"))
    assert client.get("/anggrek/board/live").status_code == 200


def test_board_reads_counter_states_not_events(app_ctx, make_counter, make_officer, clock):
    """The board's queries touch the counter-state table and today's waiting tickets only."""
    from intranet.extensions import db

    make_counter()
    statements = []
    original = db.obj.execute_sql

    def spy(sql, params=None, *a, **kw):
        statements.append(sql)
        return original(sql, params, *a, **kw)

    db.obj.execute_sql = spy
    try:
        rows = services.board_rows()
        services.queue_summary()
    finally:
        db.obj.execute_sql = original
    assert len(rows) == 1
    assert statements and not any("anggrek_service_event" in s for s in statements)


def test_the_polling_interval_is_an_office_setting(client, login_as, make_user):
    from intranet.core.models import set_setting

    set_setting("anggrek.board_poll_seconds", 5)
    login_as(make_user("kepala"))
    assert 'hx-trigger="every 5s"' in client.get("/anggrek/board/live").get_data(as_text=True)
