"""Disruption notices: e-mailed to foreigners with open applications, shown on the public page
while they last, and an all-clear to the same people when resolved."""

import datetime as dt

import pytest

from intranet.models import utcnow
from intranet.notify.models import OutboxMessage
from intranet.owl.services import applications, disruptions
from intranet.owl.services.common import OwlError


@pytest.fixture
def people(make_foreigner, make_permit, make_application, owl_officer, today):
    waiting = make_foreigner(name="Waiting One", email="waiting@mail.example")
    make_permit(waiting, days_left=20)
    make_application(waiting)
    processing = make_foreigner(name="In Process", email="process@mail.example", language="id")
    make_permit(processing, days_left=15)
    applications.start_processing(make_application(processing), owl_officer)
    decided = make_foreigner(name="Decided", email="decided@mail.example")
    make_permit(decided, days_left=10)
    applications.reject_application(
        make_application(decided), reason="x", actor=owl_officer, today=today
    )
    make_foreigner(name="No Application", email="none@mail.example")
    return waiting, processing


def _kind(kind):
    return sorted(m.to_address for m in OutboxMessage.select().where(OutboxMessage.kind == kind))


def test_notice_and_all_clear(people, make_user, client, run_jobs, mail_sink):
    run_jobs()  # the rejection notice of the fixture
    mail_sink.wait_for(1)
    mail_sink.clear()
    admin = make_user("admin")
    start = utcnow() - dt.timedelta(minutes=5)
    notice = disruptions.create_disruption(
        title_en="Online system outage",
        title_id="Gangguan sistem daring",
        message_en="Our application system is down.",
        message_id="Sistem aplikasi kami mati.",
        starts_at=start,
        expected_end_at=start + dt.timedelta(hours=3),
        actor=admin,
    )
    assert notice.notified == 2
    assert _kind("owl.disruption") == ["process@mail.example", "waiting@mail.example"]
    run_jobs()
    messages = mail_sink.wait_for(2)
    assert len(messages) == 2
    text = mail_sink.text_of(mail_sink.to("waiting@mail.example")[0])
    assert "Online system outage" in text and "Our application system is down." in text
    assert "Sistem aplikasi kami mati." in text  # both languages

    html = client.get("/owl/status").get_data(as_text=True)
    assert "Gangguan sistem daring" in html

    # A foreigner who applies after the notice is not in its audience; the all-clear goes to the
    # same two people, once.
    disruptions.resolve_disruption(
        notice, resolution_en="Back online.", resolution_id="Sudah normal kembali.", actor=admin
    )
    with pytest.raises(OwlError):
        disruptions.resolve_disruption(notice, resolution_en="x", resolution_id="x", actor=admin)
    assert _kind("owl.disruption_resolved") == ["process@mail.example", "waiting@mail.example"]
    run_jobs()
    assert len(mail_sink.wait_for(4)) == 4
    assert "Back online." in mail_sink.text_of(mail_sink.to("process@mail.example")[-1])
    assert "Gangguan sistem daring" not in client.get("/owl/status").get_data(as_text=True)


def test_admin_page_validates_and_publishes(people, make_user, client, login_as, app_ctx, app):
    from intranet.owl.models import Disruption

    app.config["SERVER_NAME_FOR_LINKS"] = "https://imigrasi.example/intranet"
    login_as(make_user("admin"))
    page = "/owl/disruptions/new"
    form = {
        "title_id": "Pemadaman listrik",
        "title_en": "Power cut",
        "message_id": "Listrik padam.",
        "message_en": "The power is out.",
        "starts_at": "2026-11-27T09:00",
        "expected_end_at": "2026-11-27T08:00",
    }
    bad = client.post_form(page, form, token_from=page)
    assert bad.status_code == 422
    assert Disruption.select().count() == 0
    form["expected_end_at"] = "2026-11-27T13:00"
    assert client.post_form(page, form, token_from=page).status_code == 303
    notice = Disruption.get()
    # 09:00 WIB is 02:00 UTC
    assert notice.starts_at == dt.datetime(2026, 11, 27, 2, 0)
    assert notice.notified == 2
    sent = OutboxMessage.select().where(OutboxMessage.kind == "owl.disruption").first()
    # links in e-mails use the public address, not the Host of the admin's request
    assert '"status_url": "https://imigrasi.example/intranet/owl/status"' in sent.context
    listing = client.get("/owl/disruptions").get_data(as_text=True)
    assert "Pemadaman listrik" in listing


def test_only_admins_manage_notices(client, login_as, make_user):
    login_as(make_user("izin_tinggal"))
    assert client.get("/owl/disruptions").status_code == 403
