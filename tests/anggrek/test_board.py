"""The live board: every counter's state, time in state and the queue, from the small table of
counter states; its polling fragment has its own policy."""

import re

from intranet.anggrek import queries, services

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
        rows = queries.board_rows()
        queries.queue_summary()
    finally:
        db.obj.execute_sql = original
    assert len(rows) == 1
    assert statements and not any("anggrek_service_event" in s for s in statements)


def test_the_polling_interval_is_an_office_setting(client, login_as, make_user):
    from intranet.core.models import set_setting

    set_setting("anggrek.board_poll_seconds", 5)
    login_as(make_user("kepala"))
    assert 'hx-trigger="every 5s"' in client.get("/anggrek/board/live").get_data(as_text=True)


def _late(html):
    """{counter code: "1" when the board marks it late, else "0"}"""
    return dict(
        re.findall(
            r'data-counter="([^"]+)" data-state="[^"]+" data-ticket="[^"]*" data-late="([01])"',
            html,
        )
    )


def _late_label(html, code):
    card = html[html.index(f'data-counter="{code}"') :]
    card = card[: card.index('<div class="col-sm-6') if '<div class="col-sm-6' in card else None]
    match = re.search(r'data-role="late">([^<]*)<', card)
    return match.group(1) if match else None


def test_board_marks_counters_late_by_the_thresholds_in_the_settings(
    client, login_as, make_counter, make_officer, supervisor, clock
):
    from intranet.core.models import get_setting

    counters = [make_counter() for _ in range(5)]  # L05 stays idle
    officers = [make_officer() for _ in range(5)]
    for i in range(4):
        services.issue_ticket("paspor_baru", at=at(0, i))
    for counter, officer in zip(counters, officers, strict=True):
        services.open_counter(counter, officer, at=at(0, 30))
    (c1, c2, c3, c4, _c5), (o1, o2, o3, o4, _o5) = counters, officers
    services.call_next(c1, o1, at=at(1))  # calling for 20 minutes at @21
    services.call_next(c2, o2, at=at(19))  # calling for 2 minutes
    t3 = services.call_next(c3, o3, at=at(1))
    services.start_interview(c3, o3, t3.id, at=at(2))  # interviewing for 19 minutes
    t4 = services.call_next(c4, o4, at=at(10))
    services.start_interview(c4, o4, t4.id, at=at(11))  # interviewing for 10 minutes
    clock.set(at(21))
    login_as(supervisor)

    # the defaults: calling 5 minutes, interviewing 15 minutes
    html = client.get("/anggrek/board/live").get_data(as_text=True)
    assert _late(html) == {"L01": "1", "L02": "0", "L03": "1", "L04": "0", "L05": "0"}
    assert _late_label(html, "L01") == "Terlambat 15 mnt"  # in words, not colour alone
    assert _late_label(html, "L03") == "Terlambat 4 mnt"
    assert _late_label(html, "L02") is None and _late_label(html, "L04") is None
    assert html.count("anggrek-counter-late") == 2

    # the thresholds are settings, kept on Si Anggrek's settings page
    page = client.get("/anggrek/settings").get_data(as_text=True)
    assert 'name="calling_late_minutes"' in page and 'value="5"' in page and 'value="15"' in page
    r = client.post_form(
        "/anggrek/settings",
        {"calling_late_minutes": "30", "interview_late_minutes": "8"},
        token_from="/anggrek/settings",
    )
    assert r.status_code == 303
    assert get_setting("anggrek.calling_late_minutes") == 30
    html = client.get("/anggrek/board/live").get_data(as_text=True)
    assert _late(html) == {"L01": "0", "L02": "0", "L03": "1", "L04": "1", "L05": "0"}
    assert _late_label(html, "L03") == "Terlambat 11 mnt"
    assert _late_label(html, "L04") == "Terlambat 2 mnt"

    # bad input: a clear message, nothing saved
    r = client.post_form(
        "/anggrek/settings",
        {"calling_late_minutes": "lima", "interview_late_minutes": "0"},
        token_from="/anggrek/settings",
    )
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert html.count("Isi bilangan bulat dari 1 sampai 240.") == 2  # once per field
    assert "Not a valid" not in html
    assert get_setting("anggrek.calling_late_minutes") == 30
    assert get_setting("anggrek.interview_late_minutes") == 8


def test_board_settings_are_for_supervisors_and_admins(client, login_as, make_user, make_officer):
    login_as(make_officer())
    assert client.get("/anggrek/settings").status_code == 403
    login_as(make_user("admin"))
    assert client.get("/anggrek/settings").status_code == 200
