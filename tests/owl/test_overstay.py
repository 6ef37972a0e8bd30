"""Overstay: days and charge, escalation at 60 days, the Inteldakim digest (each case once),
follow-up, and the audited list."""

import datetime as dt

import pytest

from intranet.notify.models import OutboxMessage
from intranet.owl import dates, settings
from intranet.owl.models import OverstayCase
from intranet.owl.services import applications, overstay, registry
from intranet.owl.services.common import OwlError


def _digests():
    return list(
        OutboxMessage.select()
        .where(OutboxMessage.kind == "owl.overstay_digest")
        .order_by(OutboxMessage.id)
    )


def test_days_and_charge(app_ctx):
    fig = overstay.overstay_figures(dt.date(2026, 11, 17), dt.date(2026, 11, 27))
    assert (fig.days, fig.charge, fig.escalated) == (10, 10_000_000, False)
    fig = overstay.overstay_figures(dt.date(2026, 9, 28), dt.date(2026, 11, 27))
    assert (fig.days, fig.charge, fig.escalated) == (60, None, True)
    fig = overstay.overstay_figures(dt.date(2026, 12, 1), dt.date(2026, 11, 27))
    assert (fig.days, fig.charge, fig.escalated) == (0, 0, False)


def test_rate_and_threshold_are_settings(app_ctx):
    settings.save_numbers(rate=750_000, escalation=30, standard=5)
    fig = overstay.overstay_figures(dt.date(2026, 11, 17), dt.date(2026, 11, 27))
    assert fig.charge == 7_500_000
    assert overstay.overstay_figures(dt.date(2026, 10, 28), dt.date(2026, 11, 27)).escalated


def test_case_reaches_the_digest_once_then_again_when_it_crosses_60_days(
    make_foreigner, make_permit, intel_officer, make_user, today, run_jobs, mail_sink
):
    make_user("inteldakim", email="intel2@kanim.example", language="en")
    f = make_foreigner(name="Ivan Ivanov", nationality="RU")
    permit = make_permit(f, expiry=today - dt.timedelta(days=10), permit_number="2C25RU0000001")
    make_permit(days_left=100)  # not expired: no case

    summary = overstay.run_overstay_scan(today)
    assert summary["opened"] == 1
    case = OverstayCase.get(OverstayCase.permit == permit.id)
    assert (case.opened_on, case.escalated_on, case.status) == (today, None, "open")
    digest = overstay.send_overstay_digest(today)
    assert digest.new_count == 1 and digest.escalated_count == 0

    # the same day again: nothing new, no second digest
    assert overstay.run_overstay_scan(today)["opened"] == 0
    assert overstay.send_overstay_digest(today) is None
    rows = _digests()
    assert sorted(r.to_address for r in rows) == ["intel2@kanim.example", "intel@kanim.example"]
    run_jobs()
    mail = mail_sink.wait_for(2)
    assert len(mail) == 2
    english = mail_sink.to("intel2@kanim.example")[0]
    text = mail_sink.text_of(english)
    assert "1 new overstay case" in text
    assert "Ivan Ivanov (RU), ITAS 2C25RU0000001" in text
    assert "10 days" in text and "Rp 10.000.000" in text
    assert "/owl/overstay" in text

    # 50 days later the case crosses 60 days: reported once more, as escalated
    later = today + dt.timedelta(days=50)
    overstay.run_overstay_scan(later)
    case = OverstayCase.get_by_id(case.id)
    assert case.escalated_on == later
    digest2 = overstay.send_overstay_digest(later)
    assert (digest2.new_count, digest2.escalated_count) == (0, 1)
    assert overstay.send_overstay_digest(later) is None
    assert overstay.send_overstay_digest(later + dt.timedelta(days=1)) is None
    assert len(_digests()) == 4
    run_jobs()
    assert len(mail_sink.wait_for(4)) == 4
    text = mail_sink.text_of(mail_sink.to("intel2@kanim.example")[-1])
    assert "1 case crossed 60 days overstayed" in text


def test_no_case_while_a_renewal_is_in_process_and_closed_when_renewed(
    make_foreigner, make_permit, make_application, owl_officer, today
):
    f = make_foreigner()
    make_permit(f, expiry=today - dt.timedelta(days=3))
    application = make_application(f, kind="extension", received_on=today - dt.timedelta(days=5))
    assert overstay.run_overstay_scan(today)["opened"] == 0

    applications.reject_application(
        application, reason="No sponsor letter", actor=owl_officer, today=today
    )
    assert overstay.run_overstay_scan(today)["opened"] == 1

    g = make_foreigner()
    make_permit(g, expiry=today - dt.timedelta(days=2))
    overstay.run_overstay_scan(today)
    case = OverstayCase.get(OverstayCase.foreigner == g.id)
    registry.add_permit(
        g,
        permit_type="ITAS",
        subtype="work",
        permit_number="2C27XX0000009",
        registration_number="",
        issue_date=today,
        expiry_date=today + dt.timedelta(days=365),
        actor=owl_officer,
    )
    overstay.run_overstay_scan(today + dt.timedelta(days=1))
    case = OverstayCase.get_by_id(case.id)
    assert (case.status, case.closed_reason) == ("closed", "renewed")


def test_follow_up_paid_closes_the_case_for_good(make_permit, intel_officer, today):
    permit = make_permit(expiry=today - dt.timedelta(days=4))
    overstay.run_overstay_scan(today)
    case = OverstayCase.get(OverstayCase.permit == permit.id)
    overstay.record_follow_up(
        case, action="visited", action_date=today, notes="At the address", actor=intel_officer
    )
    assert OverstayCase.get_by_id(case.id).status == "open"
    overstay.record_follow_up(
        case, action="paid", action_date=today, notes="Receipt 123", actor=intel_officer
    )
    case = OverstayCase.get_by_id(case.id)
    assert (case.status, case.closed_reason) == ("closed", "paid")
    assert overstay.run_overstay_scan(today + dt.timedelta(days=1))["opened"] == 0
    with pytest.raises(OwlError):
        overstay.record_follow_up(
            case, action="other", action_date=today, notes="", actor=intel_officer
        )


def test_deported_cancels_the_permit(make_permit, intel_officer, today):
    permit = make_permit(expiry=today - dt.timedelta(days=70))
    overstay.run_overstay_scan(today)
    case = OverstayCase.get(OverstayCase.permit == permit.id)
    assert case.escalated_on == today
    overstay.record_follow_up(
        case, action="deported", action_date=today, notes="", actor=intel_officer
    )
    assert type(permit).get_by_id(permit.id).status == "cancelled"


def test_overstay_list_shows_days_and_charge_and_every_view_is_audited(
    client, login_as, intel_officer, make_foreigner, make_permit, today, app_ctx
):
    from intranet.audit.models import AuditEntry

    expiry = dates.wib_today() - dt.timedelta(days=12)
    make_permit(make_foreigner(name="Chen Wei", nationality="CN"), expiry=expiry)
    make_permit(
        make_foreigner(name="Old Case", nationality="GB"),
        expiry=dates.wib_today() - dt.timedelta(days=75),
    )
    overstay.run_overstay_scan(dates.wib_today())
    intel_officer.language = "en"  # signed-in users read in their own language
    intel_officer.save()
    login_as(intel_officer)
    html = client.get("/owl/overstay").get_data(as_text=True)
    assert "Chen Wei" in html and "Old Case" in html
    assert "Rp 12.000.000" in html
    assert "Deportation" in html
    client.get("/owl/overstay?show=escalated")
    views = AuditEntry.select().where(AuditEntry.action == "owl.overstay.list_viewed")
    assert views.count() == 2
    assert all(e.actor_id == intel_officer.id for e in views)


def test_inteldakim_records_follow_up_through_the_page(
    client, login_as, intel_officer, make_permit, today, app_ctx
):
    from intranet.owl.models import OverstayFollowUp

    permit = make_permit(expiry=dates.wib_today() - dt.timedelta(days=3))
    overstay.run_overstay_scan(dates.wib_today())
    case = OverstayCase.get(OverstayCase.permit == permit.id)
    login_as(intel_officer)
    page = f"/owl/overstay/{case.id}"
    bad = client.post_form(
        f"{page}/follow-up", {"action": "visited", "action_date": "x"}, token_from=page
    )
    assert bad.status_code == 422
    assert OverstayFollowUp.select().count() == 0
    ok = client.post_form(
        f"/owl/overstay/{case.id}/follow-up",
        {
            "action": "visited",
            "action_date": dates.wib_today().isoformat(),
            "notes": "Sponsor says he left",
        },
        token_from=page,
    )
    assert ok.status_code == 303
    assert OverstayFollowUp.get().notes == "Sponsor says he left"


def test_permit_officer_cannot_see_the_overstay_list(client, login_as, owl_officer):
    login_as(owl_officer)
    assert client.get("/owl/overstay").status_code == 403
