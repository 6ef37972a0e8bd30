"""The daily expiry-warning scan with a fixed "today" (2026-11-27): real outbox rows, real RQ jobs
on a real Redis, real SMTP server."""

import datetime as dt

from intranet.notify.models import OutboxMessage
from intranet.owl import dates, settings
from intranet.owl.models import PermitWarning
from intranet.owl.services import applications, scan


def _keys():
    return sorted(
        m.key for m in OutboxMessage.select().where(OutboxMessage.kind == "owl.permit_warning")
    )


def test_permit_expiring_in_30_days_gets_exactly_the_30_day_warning(
    make_foreigner, make_permit, today, run_jobs, mail_sink
):
    f = make_foreigner(
        name="Olivia Brown",
        email="olivia@mail.example",
        sponsor_email="hr@sponsor.example",
        language="en",
    )
    permit = make_permit(f, days_left=30, permit_number="2C26AB0000001")
    result = scan.run_permit_scan(today)
    assert result.queued == 1
    assert _keys() == [f"permit:{permit.id}:30"]
    row = OutboxMessage.get(OutboxMessage.key == f"permit:{permit.id}:30")
    assert row.to_address == "olivia@mail.example"
    assert row.cc_list == ["hr@sponsor.example"]
    assert row.language == "en"
    warning = PermitWarning.get(PermitWarning.permit == permit.id)
    assert (warning.lead_days, warning.days_left, warning.scan_date) == (30, 30, today)

    run_jobs()
    messages = mail_sink.wait_for(1)
    assert len(messages) == 1
    msg = messages[0]
    assert sorted(msg.envelope_to) == ["hr@sponsor.example", "olivia@mail.example"]
    assert "27 December 2026" in msg["Subject"] and "30 days" in msg["Subject"]
    text = mail_sink.text_of(msg).replace("\r\n", "\n")
    # English first (the foreigner's language), then Indonesian
    assert "Your ITAS stay permit number 2C26AB0000001 expires on 27 December 2026" in text
    assert "30 days from 27 November 2026" in text
    assert "You can apply for an extension now, until 25 December 2026" in text
    assert "Rp 1.000.000 per day" in text
    assert "Izin tinggal ITAS Anda nomor 2C26AB0000001 berakhir pada 27 Desember 2026" in text
    assert text.index("Your ITAS") < text.index("Izin tinggal ITAS")
    html = mail_sink.html_of(msg)
    assert "27 December 2026" in html and "27 Desember 2026" in html


def test_each_stage_at_its_time_and_a_second_scan_sends_nothing(
    make_permit, today, run_jobs, mail_sink
):
    stages = {days: make_permit(days_left=days) for days in (60, 30, 14, 7, 1)}
    not_yet = make_permit(days_left=61)
    between = make_permit(days_left=45)  # inside the 60-day stage: catches up (see below)
    result = scan.run_permit_scan(today)
    expected = sorted(
        [f"permit:{p.id}:{d}" for d, p in stages.items()] + [f"permit:{between.id}:60"]
    )
    assert _keys() == expected
    assert result.queued == 6
    assert not PermitWarning.select().where(PermitWarning.permit == not_yet.id).exists()

    again = scan.run_permit_scan(today)
    assert again.queued == 0
    assert _keys() == expected
    run_jobs()
    assert len(mail_sink.wait_for(6)) == 6
    run_jobs()
    assert len(mail_sink.messages) == 6


def test_a_missed_day_catches_up_but_never_sends_a_passed_stage(make_permit, today):
    """The scan did not run yesterday: a permit now 29 days out still gets its 30-day warning
    (saying 29 days); one now 13 days out gets the 14-day warning, not the 30-day one."""
    p29 = make_permit(days_left=29)
    p13 = make_permit(days_left=13)
    scan.run_permit_scan(today)
    assert _keys() == sorted([f"permit:{p29.id}:30", f"permit:{p13.id}:14"])
    assert PermitWarning.get(PermitWarning.permit == p29.id).days_left == 29


def test_next_days_send_the_next_stage_once(make_permit, today):
    permit = make_permit(days_left=31)
    sent = []
    for offset in range(0, 32):
        day = today + dt.timedelta(days=offset)
        scan.run_permit_scan(day)
        scan.run_permit_scan(day)  # twice a day changes nothing
        sent = _keys()
    # 31 days left today is inside the 60-day stage: its warning goes out today
    assert sent == sorted(f"permit:{permit.id}:{d}" for d in (60, 30, 14, 7, 1))
    lead_days_by_date = {
        w.scan_date: w.lead_days
        for w in PermitWarning.select().where(PermitWarning.permit == permit.id)
    }
    assert lead_days_by_date == {
        today: 60,
        today + dt.timedelta(days=1): 30,
        today + dt.timedelta(days=17): 14,
        today + dt.timedelta(days=24): 7,
        today + dt.timedelta(days=30): 1,
    }


def test_adding_a_45_day_rule_does_not_back_fill(make_permit, today):
    inside = make_permit(days_left=40)  # already inside 45 days when the rule is added
    at_45 = make_permit(days_left=45)  # enters the 45-day stage today
    later = make_permit(days_left=50)  # enters it in five days
    for back in range(20, 0, -1):  # the scan ran every morning: the 60-day warnings went out
        scan.run_permit_scan(today - dt.timedelta(days=back))
    before = set(_keys())
    assert before == {f"permit:{p.id}:60" for p in (inside, at_45, later)}

    settings.set_lead_days("ITAS", [60, 45, 30, 14, 7, 1], today)
    scan.run_permit_scan(today)
    assert set(_keys()) - before == {f"permit:{at_45.id}:45"}
    scan.run_permit_scan(today + dt.timedelta(days=5))
    assert set(_keys()) - before == {f"permit:{at_45.id}:45", f"permit:{later.id}:45"}
    scan.run_permit_scan(today + dt.timedelta(days=10))  # 30 days left for `inside`
    assert f"permit:{inside.id}:30" in _keys()
    assert f"permit:{inside.id}:45" not in _keys()


def test_expired_permits_are_never_warned(make_permit, today):
    """CiviCRM PR #18298: a new rule e-mailed everyone whose date had already passed."""
    make_permit(days_left=-1)
    make_permit(days_left=-40)
    settings.set_lead_days("ITAS", [90, 60, 30, 14, 7, 1], today)
    assert scan.run_permit_scan(today).queued == 0
    assert _keys() == []


def test_extension_in_process_stops_warnings(
    make_foreigner, make_permit, make_application, owl_officer, today
):
    f = make_foreigner()
    permit = make_permit(f, days_left=30)
    application = make_application(f, kind="extension")
    assert scan.run_permit_scan(today).queued == 0
    applications.start_processing(application, owl_officer)
    assert scan.run_permit_scan(today + dt.timedelta(days=16)).queued == 0  # 14-day stage
    # Rejected: the warnings resume with the stage the permit is in now.
    applications.reject_application(
        application,
        reason="Documents incomplete",
        actor=owl_officer,
        today=today + dt.timedelta(days=16),
    )
    assert scan.run_permit_scan(today + dt.timedelta(days=16)).queued == 1
    assert f"permit:{permit.id}:14" in _keys()


def test_a_completed_extension_replaces_the_permit_and_its_warnings_stop(
    make_foreigner, make_permit, make_application, owl_officer, today
):
    f = make_foreigner()
    old = make_permit(f, days_left=20)
    application = make_application(f, kind="extension")
    applications.complete_application(
        application,
        permit_number="2C27NEW000001",
        registration_number="REG1",
        subtype="work",
        issue_date=today,
        expiry_date=today + dt.timedelta(days=365),
        actor=owl_officer,
        today=today,
    )
    assert scan.run_permit_scan(today + dt.timedelta(days=10)).queued == 0
    old = type(old).get_by_id(old.id)
    assert old.status == "replaced"


def test_no_warning_on_the_day_of_issue_and_none_without_e_mail(make_foreigner, make_permit, today):
    itk = make_permit(ptype="ITK", days_left=30, valid_days=30)  # issued today for 30 days
    no_mail = make_permit(make_foreigner(email=""), days_left=30)
    assert scan.run_permit_scan(today).queued == 0
    assert not PermitWarning.select().where(PermitWarning.permit.in_([itk.id, no_mail.id])).exists()
    # the ITK's 14-day warning comes in its time
    scan.run_permit_scan(today + dt.timedelta(days=16))
    assert _keys() == [f"permit:{itk.id}:14"]


def test_lead_times_are_per_permit_type(make_permit, today):
    settings.set_lead_days("ITK", [7, 1], today - dt.timedelta(days=100))
    itk = make_permit(ptype="ITK", days_left=14, valid_days=30)
    itap = make_permit(ptype="ITAP", days_left=14, valid_days=1825)
    scan.run_permit_scan(today)
    assert _keys() == [f"permit:{itap.id}:14"]
    scan.run_permit_scan(today + dt.timedelta(days=7))
    assert f"permit:{itk.id}:7" in _keys()


def test_a_malformed_address_is_skipped_not_fatal_and_sent_once_corrected(
    make_foreigner, make_permit, today
):
    bad = make_permit(make_foreigner(email="not-an-address"), days_left=30)
    good = make_permit(make_foreigner(sponsor_email="broken@"), days_left=30)
    assert scan.run_permit_scan(today).queued == 1
    assert _keys() == [f"permit:{good.id}:30"]
    assert OutboxMessage.get(OutboxMessage.key == f"permit:{good.id}:30").cc == ""
    foreigner = bad.foreigner
    foreigner.email = "fixed@mail.example"
    foreigner.save()
    scan.run_permit_scan(today + dt.timedelta(days=1))
    assert _keys() == sorted([f"permit:{good.id}:30", f"permit:{bad.id}:30"])


def test_the_scan_is_audited(make_permit, today):
    from intranet.audit.models import AuditEntry

    make_permit(days_left=7)
    scan.run_permit_scan(today)
    entry = AuditEntry.select().where(AuditEntry.action == "owl.permit_scan").get()
    assert entry.detail == '{"date":"2026-11-27","due":1,"queued":1}'


def test_periodic_job_is_registered_and_runs(app_ctx, make_permit):
    from intranet.scheduling import load_job_modules

    jobs = load_job_modules()
    assert jobs["owl.permit_scan"].daily_at == "06:00"
    assert jobs["owl.permit_scan"].func_path == "intranet.owl.jobs:permit_scan"
    assert jobs["owl.overstay"].func_path == "intranet.owl.jobs:overstay_scan_and_digest"
    from intranet.owl import jobs as owl_jobs

    make_permit(days_left=1, today=dates.wib_today())
    assert owl_jobs.permit_scan()["queued"] == 1
    assert owl_jobs.permit_scan()["queued"] == 0


def test_the_last_day_to_apply_skips_the_offices_closed_days(
    make_foreigner, make_permit, today, run_jobs, mail_sink
):
    """The permit expires on Sunday 27 December 2026; the Friday before is Christmas, a day the
    office is closed: the foreigner is told to apply by Thursday the 24th."""
    settings.set_holidays([(dt.date(2026, 12, 25), "Natal")])
    f = make_foreigner(email="olivia@mail.example", language="en")
    make_permit(f, days_left=30)
    scan.run_permit_scan(today)
    run_jobs()
    [msg] = mail_sink.wait_for(1)
    text = mail_sink.text_of(msg).replace("\r\n", "\n")
    assert "You can apply for an extension now, until 24 December 2026" in text
    assert "24 Desember 2026" in text and "25 Desember 2026" not in text
