"""Applications: received -> in process -> completed / rejected; the decision is e-mailed once."""

import datetime as dt

import pytest

from intranet.notify.models import OutboxMessage
from intranet.owl import dates
from intranet.owl.models import Application, Permit
from intranet.owl.services import applications
from intranet.owl.services.common import OwlError


def _decided_mail():
    return list(OutboxMessage.select().where(OutboxMessage.kind == "owl.application_decided"))


def test_completion_records_the_new_permit_and_e_mails_once(
    make_foreigner, make_permit, make_application, owl_officer, today, run_jobs, mail_sink
):
    f = make_foreigner(name="Hana Sato", email="hana@mail.example", language="id")
    old = make_permit(f, days_left=20)
    application = make_application(f, kind="extension")
    assert application.number == f"IZT-2026-{application.id:06d}"
    assert application.permit_id == old.id and application.status == "received"
    applications.start_processing(application, owl_officer)
    assert application.status == "in_process" and application.officer_id == owl_officer.id

    applications.complete_application(
        application,
        permit_number="2c27 hs 000001",
        registration_number="REG9",
        subtype="work",
        issue_date=today,
        expiry_date=dt.date(2027, 12, 16),
        actor=owl_officer,
        today=today,
    )
    application = Application.get_by_id(application.id)
    new = Permit.get_by_id(application.resulting_permit_id)
    assert (application.status, application.decided_on) == ("completed", today)
    assert (new.permit_number, new.status, new.permit_type) == ("2C27HS000001", "active", "ITAS")
    assert Permit.get_by_id(old.id).status == "replaced"
    with pytest.raises(OwlError):
        applications.complete_application(
            application,
            permit_number="2C27HS000002",
            registration_number="",
            subtype="",
            issue_date=today,
            expiry_date=dt.date(2028, 1, 1),
            actor=owl_officer,
            today=today,
        )
    rows = _decided_mail()
    assert [r.key for r in rows] == [f"owl:application:{application.id}:decided"]

    run_jobs()
    messages = mail_sink.wait_for(1)
    assert len(messages) == 1
    assert messages[0].envelope_to == ["hana@mail.example"]
    text = mail_sink.text_of(messages[0])
    assert f"Your application {application.number} was completed on 27 November 2026." in text
    assert "2C27HS000001" in text and "16 December 2027" in text
    assert "http://localhost/owl/status" in text  # PUBLIC_URL unset in tests


def test_rejection_e_mails_the_reason(
    make_foreigner, make_permit, make_application, owl_officer, today, run_jobs, mail_sink
):
    f = make_foreigner(email="ravi@mail.example")
    make_permit(f, days_left=20)
    application = make_application(f, kind="extension")
    with pytest.raises(OwlError):
        applications.reject_application(application, reason="  ", actor=owl_officer, today=today)
    applications.reject_application(
        application, reason="Sponsor letter missing", actor=owl_officer, today=today
    )
    run_jobs()
    text = mail_sink.text_of(mail_sink.wait_for(1)[0])
    assert "was not granted" in text and "Sponsor letter missing" in text


def test_rules_for_receiving(make_foreigner, make_permit, make_application):
    """The refusals are user-facing messages (Indonesian outside a request, the default)."""
    nobody = make_foreigner()
    with pytest.raises(OwlError, match="tidak memiliki izin tinggal aktif"):
        make_application(nobody, kind="extension")
    new = make_application(nobody, kind="new", requested_type="ITAS")
    assert new.permit_id is None

    f = make_foreigner()
    make_permit(f, days_left=50, ptype="ITAS")
    with pytest.raises(OwlError, match="jenis izin tinggal yang berbeda"):
        make_application(f, kind="conversion", requested_type="ITAS")
    conversion = make_application(f, kind="conversion", requested_type="ITAP")
    assert conversion.requested_type == "ITAP"
    with pytest.raises(OwlError, match="masih berjalan"):
        make_application(f, kind="extension")


def test_no_e_mail_address_means_no_outbox_row(
    make_foreigner, make_permit, make_application, owl_officer, today
):
    f = make_foreigner(email="")
    make_permit(f, days_left=20)
    application = make_application(f)
    applications.reject_application(application, reason="x", actor=owl_officer, today=today)
    assert _decided_mail() == []


def test_pages_receive_process_and_complete(
    client, login_as, owl_officer, make_foreigner, make_permit, app_ctx, run_jobs, mail_sink
):
    from intranet.audit.models import AuditEntry

    f = make_foreigner(name="Noah Smith", email="noah@mail.example")
    make_permit(f, days_left=25)
    login_as(owl_officer)
    page = f"/owl/foreigners/{f.id}"
    html = client.get(page).get_data(as_text=True)
    assert "Noah Smith" in html
    assert AuditEntry.select().where(AuditEntry.action == "owl.foreigner.viewed").count() == 1

    bad = client.post_form(
        f"{page}/applications/new",
        {"kind": "extension", "requested_type": "ITAS", "received_on": ""},
        token_from=page,
    )
    assert bad.status_code == 422
    assert Application.select().count() == 0
    ok = client.post_form(
        f"{page}/applications/new",
        {
            "kind": "extension",
            "requested_type": "ITAS",
            "received_on": dates.wib_today().isoformat(),
        },
        token_from=page,
    )
    assert ok.status_code == 303
    application = Application.get()
    app_page = f"/owl/applications/{application.id}"
    assert ok.headers["Location"].endswith(app_page)
    assert client.post_form(f"{app_page}/start", token_from=app_page).status_code == 303
    assert Application.get_by_id(application.id).status == "in_process"

    expiry = (dates.wib_today() + dt.timedelta(days=400)).isoformat()
    invalid = client.post_form(
        f"{app_page}/complete",
        {
            "permit_number": "??",
            "issue_date": dates.wib_today().isoformat(),
            "expiry_date": expiry,
        },
        token_from=app_page,
    )
    assert invalid.status_code == 422
    assert Application.get_by_id(application.id).status == "in_process"
    done = client.post_form(
        f"{app_page}/complete",
        {
            "permit_number": "2C27NS000123",
            "issue_date": dates.wib_today().isoformat(),
            "expiry_date": expiry,
            "subtype": "work",
        },
        token_from=app_page,
    )
    assert done.status_code == 303
    assert Application.get_by_id(application.id).status == "completed"
    run_jobs()
    assert mail_sink.wait_for(1)[0].envelope_to == ["noah@mail.example"]


def test_head_of_office_reads_but_cannot_change(
    client, login_as, make_user, make_foreigner, make_permit, make_application
):
    f = make_foreigner()
    make_permit(f, days_left=25)
    application = make_application(f)
    login_as(make_user("kepala"))
    assert client.get(f"/owl/applications/{application.id}").status_code == 200
    page = f"/owl/applications/{application.id}"
    assert client.post_form(f"{page}/start", token_from=page).status_code == 403
