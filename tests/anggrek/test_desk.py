"""The ticket desk and the counters' administration."""

import re

from intranet.anggrek import services
from intranet.anggrek.models import Counter, CounterState, Ticket
from intranet.audit.models import AuditEntry

from .conftest import at


def test_front_desk_issues_numbered_tickets(client, login_as, make_user, clock):
    login_as(make_user("resepsionis"))
    page = client.get("/anggrek/tickets").get_data(as_text=True)
    assert 'value="prioritas"' in page
    r = client.post_form("/anggrek/tickets", {"service": "penggantian"}, token_from="/home")
    assert r.status_code == 200
    assert re.search(r'id="issued-number">B001<', r.get_data(as_text=True))
    client.post_form("/anggrek/tickets", {"service": "penggantian"}, token_from="/home")
    assert [t.number for t in Ticket.select().order_by(Ticket.id)] == ["B001", "B002"]
    assert all(t.issued_at == at(0) and t.status == "waiting" for t in Ticket.select())
    assert AuditEntry.select().where(AuditEntry.action == "anggrek.ticket.issued").count() == 2
    r = client.post_form("/anggrek/tickets", {"service": "visa"}, token_from="/home")
    assert r.status_code == 422 and Ticket.select().count() == 2


def test_officers_see_tickets_but_do_not_issue(client, login_as, make_officer, clock):
    login_as(make_officer())
    assert client.get("/anggrek/tickets").status_code == 200
    assert (
        client.post_form(
            "/anggrek/tickets", {"service": "penggantian"}, token_from="/home"
        ).status_code
        == 403
    )


def test_counters_created_edited_and_taken_out_of_service(
    client, login_as, make_user, make_officer, lantas, clock
):
    login_as(make_user("admin"))
    r = client.post_form(
        "/anggrek/counters", {"code": "l09", "name": "Loket 9"}, token_from="/home"
    )
    assert r.status_code == 303
    counter = Counter.get(Counter.code == "L09")
    assert CounterState.get_by_id(counter.id).state == "closed" and counter.unit_id == lantas.id
    assert len(counter.survey_token) >= 16
    r = client.post_form("/anggrek/counters", {"code": "L09", "name": "Dua"}, token_from="/home")
    assert r.status_code == 422 and "sudah dipakai" in r.get_data(as_text=True)
    r = client.post_form("/anggrek/counters", {"code": "L 10!", "name": "x"}, token_from="/home")
    assert r.status_code == 422 and Counter.select().count() == 1

    officer = make_officer()
    services.open_counter(counter, officer, at=at(1))
    r = client.post_form(
        f"/anggrek/counters/{counter.id}/edit",
        {"code": "L09", "name": "Loket 9"},
        token_from="/home",
    )  # unchecked "in service": deactivate
    assert r.status_code == 422 and "Tutup loket sebelum" in r.get_data(as_text=True)
    services.close_counter(counter, officer, at=at(2))
    r = client.post_form(
        f"/anggrek/counters/{counter.id}/edit",
        {"code": "L09", "name": "Loket 9"},
        token_from="/home",
    )
    assert r.status_code == 303 and not Counter.get_by_id(counter.id).is_active
    # an out-of-service counter cannot be opened
    login_as(officer)
    r = client.post_form(f"/anggrek/console/{counter.id}/open", htmx=True, token_from="/home")
    assert r.status_code == 409 and "tidak beroperasi" in r.get_data(as_text=True)
