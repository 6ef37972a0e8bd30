"""E-mails through the outbox to the real SMTP sink: decisions and the supervisors' digest."""

import datetime as dt

from intranet.cempaka import maintenance, models, review
from intranet.notify.models import OutboxMessage
from intranet.scheduling import load_job_modules


def test_each_decision_mails_the_employee_in_their_language(
    app_ctx, office, make_submission, run_jobs, mail_sink
):
    office.emp.language = "en"
    office.emp.save()
    s = make_submission(office.emp, title="Laporan verifikasi paspor")
    review.decide(s, office.boss, "revision", "Lampirkan daftar hadir.")
    run_jobs()
    [msg] = mail_sink.wait_for(1)
    assert msg.envelope_to == [office.emp.email]
    assert msg["Subject"] == "Revision requested: Laporan verifikasi paspor"
    text = mail_sink.text_of(msg)
    assert "Siti Rahmawati asked you to revise" in text
    assert "Lampirkan daftar hadir." in text and "23 November 2026" in text
    assert "Lampirkan daftar hadir." in mail_sink.html_of(msg)
    # the default language is Indonesian
    s2 = make_submission(office.emp2, title="Notulen rapat")
    review.decide(s2, office.boss, "approved", "Sudah diperiksa.")  # s2 is flagged
    run_jobs()
    mail_sink.wait_for(2)
    [msg2] = mail_sink.to(office.emp2.email)
    assert "Notulen rapat" in msg2["Subject"] and "disetujui" in msg2["Subject"].lower()
    row = OutboxMessage.get(OutboxMessage.key == f"cempaka:decision:{s2.id}:1")
    assert row.kind == "cempaka.decision" and row.object_id == str(s2.id)


def test_a_rolled_back_decision_sends_nothing(
    app_ctx, office, make_submission, run_jobs, mail_sink
):
    from intranet.extensions import transaction

    s = make_submission(office.emp)
    try:
        with transaction():
            review.decide(s, office.boss, "approved")
            raise RuntimeError("crash after the decision")
    except RuntimeError:
        pass
    run_jobs()
    assert mail_sink.wait_for(1, timeout=0.5) == []
    assert models.Submission.get_by_id(s.id).status == "pending"


def test_daily_digest_lists_old_pending_items_once_per_supervisor(
    app_ctx, office, make_submission, run_jobs, mail_sink
):
    now = dt.datetime(2026, 11, 26, 0, 0)  # 07:00 WIB, Thursday
    old = make_submission(
        office.emp,
        title="Rekap antrean lama",
        now=dt.datetime(2026, 11, 24, 3),
        work_date=dt.date(2026, 11, 24),
    )
    make_submission(office.emp2, title="Kajian beban kerja", now=dt.datetime(2026, 11, 23, 3))
    make_submission(office.emp, title="Baru dikirim", now=dt.datetime(2026, 11, 25, 20))
    decided = make_submission(
        office.emp,
        title="Sudah diputuskan",
        now=dt.datetime(2026, 11, 20, 3),
        work_date=dt.date(2026, 11, 20),
    )
    review.decide(decided, office.boss, "approved", now=dt.datetime(2026, 11, 21, 3))
    make_submission(
        office.stranger,
        title="Draf SOP",
        now=dt.datetime(2026, 11, 24, 3),
        work_date=dt.date(2026, 11, 24),
    )
    run_jobs()
    mail_sink.clear()  # the decision's e-mail

    assert maintenance.queue_digests(now=now) == 2
    assert maintenance.queue_digests(now=now) == 2  # same day again: the outbox keys hold
    run_jobs()
    mail_sink.wait_for(2)
    [to_boss] = mail_sink.to(office.boss.email)
    [to_other] = mail_sink.to(office.other_boss.email)
    assert len(mail_sink.wait_for(3, timeout=1)) == 2
    text = mail_sink.text_of(to_boss)
    assert "2" in to_boss["Subject"]
    assert "Rekap antrean lama" in text and "Kajian beban kerja" in text
    assert "Baru dikirim" not in text and "Sudah diputuskan" not in text
    assert "Draf SOP" not in text
    assert "Draf SOP" in mail_sink.text_of(to_other)
    assert old.title in mail_sink.html_of(to_boss)
    # the next day is a new digest
    assert maintenance.queue_digests(now=now + dt.timedelta(days=1)) == 2
    assert OutboxMessage.select().where(OutboxMessage.kind == "cempaka.digest").count() == 4


def test_periodic_jobs_are_registered_and_run(app, office, make_submission, mail_sink):
    jobs = load_job_modules()
    assert jobs["cempaka.supervisor_digest"].daily_at == "07:00"
    assert jobs["cempaka.coarsen_locations"].daily_at
    from intranet.cempaka import jobs as cempaka_jobs

    make_submission(office.emp, now=dt.datetime(2026, 1, 5, 3), work_date=dt.date(2026, 1, 5))
    with app.app_context():
        assert cempaka_jobs.coarsen_locations() == 1
        assert cempaka_jobs.supervisor_digest() == 1
