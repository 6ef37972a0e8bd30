"""E-mails through the outbox (host notice, Inteldakim alert) delivered to the real SMTP sink,
and the WNA stay-permit look-up in Si Owl's registry (real foreigners and permits, written with
Si Owl's models; fixture ``owl_registry``)."""

import datetime as dt
import logging

from intranet.audit.models import AuditEntry
from intranet.extensions import transaction
from intranet.jali import permits, services
from intranet.jali.models import (
    PERMIT_EXPIRED,
    PERMIT_NOT_FOUND,
    PERMIT_UNAVAILABLE,
    PERMIT_VALID,
    Visit,
)
from intranet.notify.models import OutboxMessage
from intranet.people.models import Unit

from .conftest import MORNING, TODAY, visit_form


def _register(client, data):
    return client.post_form("/jali/register", data, token_from="/jali/register")


def test_host_is_emailed_when_an_official_guest_arrives(
    desk_client, make_user, run_jobs, mail_sink
):
    host = make_user("atasan", name="Rina Kusuma", email="rina@kanim.example", language="en")
    response = _register(desk_client, visit_form("official", host_id=str(host.id)))
    assert response.status_code == 303
    visit = Visit.get()
    row = OutboxMessage.get()
    assert row.key == f"jali:visit:{visit.id}:host:{host.id}" and row.kind == "jali.host_notice"
    run_jobs()
    [msg] = mail_sink.wait_for(1)
    assert msg.envelope_to == ["rina@kanim.example"]
    assert msg["Subject"] == "Your guest has arrived: Budi Santoso, Polda Metro Jaya"
    text = mail_sink.text_of(msg)
    assert "Dear Rina Kusuma" in text and "Visitor number: 001" in text
    assert "Arrived: " in text and " WIB" in text
    assert "Polda Metro Jaya" in mail_sink.html_of(msg)


def test_a_unit_without_a_single_host_tells_its_supervisors_in_indonesian(
    desk_client, make_user, run_jobs, mail_sink
):
    unit = Unit.create(code="INTEL", name="Seksi Intelijen")
    make_user("atasan", name="Kepala Seksi", email="kasi@kanim.example", unit=unit)
    make_user(name="Staf Biasa", email="staf@kanim.example", unit=unit)
    assert _register(desk_client, visit_form("official", host_unit=str(unit.id))).status_code == 303
    run_jobs()
    [msg] = mail_sink.wait_for(1)
    assert msg.envelope_to == ["kasi@kanim.example"]
    assert msg["Subject"].startswith("Tamu Anda telah tiba")
    assert "Seksi Intelijen" in mail_sink.text_of(msg)


def test_expired_permit_warns_the_desk_and_alerts_inteldakim_once(
    desk_client, make_user, run_jobs, mail_sink, owl_registry, app, login_as
):
    officers = [
        make_user("inteldakim", name="Intel Satu", email="intel1@kanim.example", language="en"),
        make_user("inteldakim", name="Intel Dua", email="intel2@kanim.example"),
    ]
    make_user("inteldakim", name="Intel Pensiun", email="old@kanim.example", active=False)
    expiry = services.wib_today() - dt.timedelta(days=12)
    foreigner, permit = owl_registry("E1234567", expiry=expiry)

    hint = desk_client.get(
        "/jali/visitors/lookup",
        query_string={"category": "wna", "id_number": "e123 4567", "nationality": "AU"},
    ).get_data(as_text=True)
    assert 'id="permit-warning"' in hint and "12 days overstayed" in hint
    assert permit.permit_number in hint
    read = AuditEntry.get(AuditEntry.action == "jali.permit_looked_up")
    assert (read.object_type, read.object_id) == ("Foreigner", str(foreigner.id))

    assert _register(desk_client, visit_form("wna")).status_code == 303
    visit = Visit.get()
    assert visit.permit_state == PERMIT_EXPIRED and visit.days_overstayed == 12
    assert (visit.foreigner_id, visit.permit_number) == (foreigner.id, permit.permit_number)
    assert visit.permit_expiry == expiry and visit.inteldakim_alerted_at is not None
    sticker = desk_client.get(f"/jali/visits/{visit.id}/sticker").get_data(as_text=True)
    assert 'id="permit-warning"' in sticker and "Inteldakim has been alerted" in sticker

    keys = sorted(r.key for r in OutboxMessage.select())
    assert keys == sorted(f"jali:visit:{visit.id}:inteldakim:{u.id}" for u in officers)
    with app.app_context(), transaction():  # once per visit: queuing again adds nothing
        from intranet.jali.notifications import queue_inteldakim_alert

        queue_inteldakim_alert(Visit.get_by_id(visit.id), passport_number="E1234567")
    assert OutboxMessage.select().count() == 2

    run_jobs()
    messages = mail_sink.wait_for(2)
    assert sorted(m.envelope_to[0] for m in messages) == [
        "intel1@kanim.example",
        "intel2@kanim.example",
    ]
    english = mail_sink.to("intel1@kanim.example")[0]
    assert english["Subject"] == "Expired stay permit at the front desk: John Smith (Australia)"
    text = mail_sink.text_of(english)
    assert "E1234567" in text and permit.permit_number in text and "Days overstayed: 12" in text
    assert f"/jali/visits/{visit.id}" in text
    assert mail_sink.to("intel2@kanim.example")[0]["Subject"].startswith(
        "Izin tinggal habis berlaku di meja depan"
    )
    # the officer follows the link; reading the overstay record is audited
    login_as(officers[0], desk_client)
    assert desk_client.get(f"/jali/visits/{visit.id}").status_code == 200
    assert AuditEntry.select().where(AuditEntry.action == "jali.visit_viewed").count() == 1


def test_an_extension_in_process_is_shown(app_ctx, desk, owl_registry):
    owl_registry("E1234567", expiry=TODAY - dt.timedelta(days=3), extension=True)
    data = services.VisitInput(
        category="wna", name="John Smith", purpose="Lapor", id_number="E1234567", nationality="AU"
    )
    visit, check = services.register_visit(data, actor=desk, now=MORNING)
    assert check.state == PERMIT_EXPIRED and check.status.extension_in_process
    assert visit.extension_in_process and visit.days_overstayed == 3


def test_valid_or_unknown_permits_alert_nobody(desk_client, make_user, owl_registry):
    make_user("inteldakim", email="intel@kanim.example")
    owl_registry("E1234567", expiry=services.wib_today() + dt.timedelta(days=200))
    assert _register(desk_client, visit_form("wna")).status_code == 303
    assert _register(desk_client, visit_form("wna", id_number="X7654321")).status_code == 303
    states = [v.permit_state for v in Visit.select().order_by(Visit.id)]
    assert states == [PERMIT_VALID, PERMIT_NOT_FOUND]
    assert OutboxMessage.select().count() == 0


def test_without_si_owl_the_desk_still_registers(app_ctx, desk, caplog, monkeypatch):
    """A deployment without Si Owl: the seam finds no module and says so."""
    monkeypatch.setattr(permits, "OWL_SERVICES", "intranet.owl_missing_for_test.services")
    with caplog.at_level(logging.INFO, logger="intranet.jali.permits"):
        assert permits.permit_status("E1234567") is None
    assert "Si Owl is not installed" in caplog.text
    data = services.VisitInput(
        category="wna", name="John Smith", purpose="Lapor", id_number="E1234567", nationality="AU"
    )
    visit, check = services.register_visit(data, actor=desk, now=MORNING)
    assert check.state == PERMIT_UNAVAILABLE and visit.permit_state == PERMIT_UNAVAILABLE


def test_a_failing_lookup_does_not_stop_the_desk(app_ctx, desk, monkeypatch, caplog):
    """Si Owl failing (simulated through the seam) is logged; the visitor is still registered."""

    def broken(passport_number, today=None):
        raise RuntimeError("registry down")

    monkeypatch.setattr(permits, "_owl_lookup", lambda: broken)
    data = services.VisitInput(
        category="wna", name="John Smith", purpose="Lapor", id_number="E1234567", nationality="AU"
    )
    visit, check = services.register_visit(data, actor=desk, now=MORNING)
    assert visit.permit_state == PERMIT_UNAVAILABLE
    assert "stay-permit look-up failed" in caplog.text
