"""Sending a run's notices through the outbox: one per employee (key pay:<run>:<employee>), in
their language, with the net in Rp format; pressing send twice sends nothing twice; the progress
bar; re-sending only the failed ones; send-after; what the audit log and the logs hold."""

import datetime as dt
import logging
import threading

import pytest

from intranet.audit.models import AuditEntry
from intranet.emak import notices, queries, runs, sending
from intranet.emak.models import SENDING, SENT, PayNotice, PayRun
from intranet.notify.models import OutboxMessage

from .conftest import net_of, post, salary

B_PAY = {"base": 3_026_400, "family": 302_640, "iwp": 332_904, "bpjs": 33_290}


@pytest.fixture
def final_run(make_run, staff):
    a, b, c = staff
    lines = salary(a) + salary(b, **B_PAY) + [(c, "tunjangan_kinerja", 5_079_200)]
    return make_run(lines, finalise=True)


def _outbox_rows(run):
    return list(
        OutboxMessage.select()
        .where(OutboxMessage.object_type == "PayRun", OutboxMessage.object_id == str(run.id))
        .order_by(OutboxMessage.id)
    )


def test_send_queues_one_notice_per_employee(finance_client, finance, staff, final_run):
    response = post(finance_client, f"/pay/runs/{final_run.id}/send")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/pay/runs/{final_run.id}/deliveries")
    rows = _outbox_rows(final_run)
    assert sorted(r.key for r in rows) == sorted(f"pay:{final_run.id}:{u.id}" for u in staff)
    assert {r.to_address: r.language for r in rows} == {
        "siti@kanim.example": "id",
        "budi@kanim.example": "en",
        "dewi@kanim.example": "id",
    }
    assert all(r.kind == "emak.pay_notice" and r.status == "queued" for r in rows)
    assert {n.outbox_id for n in PayNotice.select()} == {r.id for r in rows}
    run = PayRun.get_by_id(final_run.id)
    assert run.status == SENDING and run.sent_by_id == finance.id
    assert AuditEntry.get(AuditEntry.action == "payrun.send").actor_id == finance.id


def test_each_employee_receives_their_net_in_their_language(
    finance_client, staff, final_run, run_jobs, mail_sink
):
    a, b, c = staff
    post(finance_client, f"/pay/runs/{final_run.id}/send")
    run_jobs()
    assert len(mail_sink.wait_for(3)) == 3
    (siti,) = mail_sink.to(a.email)
    text = mail_sink.text_of(siti)
    assert "Gaji November 2026: pemberitahuan pembayaran Anda" == siti["Subject"]
    assert "Jumlah bersih" in text and f"Rp {net_of():,}".replace(",", ".") in text
    assert "Rp 4.575.200" in text and "-Rp 503.272" in text
    assert "Rp 4.664.121" in mail_sink.html_of(siti)
    (budi,) = mail_sink.to(b.email)
    text = mail_sink.text_of(budi)
    assert budi["Subject"] == "Salary (gaji) November 2026: your pay notice"
    assert "Net amount" in text and "Rp 3.147.846" in text
    assert "Base salary" in text and "Rp 3.026.400" in text
    (dewi,) = mail_sink.to(c.email)
    assert "Rp 5.079.200" in mail_sink.text_of(dewi)
    assert all(r.status == "sent" for r in _outbox_rows(final_run))
    # the amounts were secrets of the outbox row: gone once the message was sent
    assert all(
        "4575200" not in r.context and "4.575.200" not in r.context for r in _outbox_rows(final_run)
    )


def test_pressing_send_twice_sends_one_notice_each(
    finance_client, finance, staff, final_run, run_jobs, mail_sink
):
    first = post(finance_client, f"/pay/runs/{final_run.id}/send")
    second = post(finance_client, f"/pay/runs/{final_run.id}/send")
    assert first.status_code == second.status_code == 303
    assert sending.send_run(final_run.id, actor=finance).already
    assert len(_outbox_rows(final_run)) == 3
    page = finance_client.get(f"/pay/runs/{final_run.id}/deliveries").get_data(as_text=True)
    assert "sudah dikirim" in page  # the second press says nothing was sent again
    run_jobs()
    run_jobs()
    mail_sink.wait_for(3)
    assert len(mail_sink.wait_for(4, timeout=1)) == 3
    for employee in staff:
        assert len(mail_sink.to(employee.email)) == 1


def test_two_sends_at_the_same_moment_queue_once(app, finance, final_run, login_as):
    """A double click reaches the server as two concurrent requests."""
    from tests.conftest import TestClient

    clients = [TestClient(app), TestClient(app)]
    for c in clients:
        login_as(finance, c.c)
    tokens = [c.csrf_token("/home") for c in clients]
    barrier = threading.Barrier(2)
    statuses = []

    def press(c, token):
        barrier.wait()
        r = c.c.post(f"/pay/runs/{final_run.id}/send", headers={"X-CSRFToken": token})
        statuses.append(r.status_code)

    threads = [
        threading.Thread(target=press, args=(c, t)) for c, t in zip(clients, tokens, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert statuses == [303, 303]
    assert len(_outbox_rows(final_run)) == 3
    assert AuditEntry.select().where(AuditEntry.action == "payrun.send").count() == 1


def test_draft_cannot_be_sent(finance_client, staff, make_run):
    run = make_run(salary(staff[0]))
    post(finance_client, f"/pay/runs/{run.id}/send")
    assert PayRun.get_by_id(run.id).status == "draft"
    assert OutboxMessage.select().count() == 0


def test_progress_bar_counts_and_stops_polling(finance_client, final_run, run_jobs, mail_sink):
    post(finance_client, f"/pay/runs/{final_run.id}/send")
    html = finance_client.get(
        f"/pay/runs/{final_run.id}/progress", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert 'data-percent="0"' in html and 'hx-trigger="load delay:2s"' in html
    assert '<progress class="w-100" id="progress-bar" max="3" value="0"' in html
    run_jobs()
    mail_sink.wait_for(3)
    html = finance_client.get(
        f"/pay/runs/{final_run.id}/progress", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert 'data-percent="100"' in html and 'value="3"' in html
    assert "hx-trigger" not in html  # done: the bar stops polling
    from intranet.emak.jobs import complete_runs

    assert complete_runs() == 1  # the periodic job
    assert complete_runs() == 0  # idempotent
    run = PayRun.get_by_id(final_run.id)
    assert run.status == SENT and run.completed_at is not None
    assert AuditEntry.get(AuditEntry.action == "payrun.sent").actor_label == "system"


def test_resend_only_the_failed_notices(
    refusing_sink, finance_client, finance, staff, final_run, run_jobs
):
    a, b, c = staff
    refusing_sink.refuse.add(b.email)  # the server refuses Budi's mailbox (550: dead at once)
    post(finance_client, f"/pay/runs/{final_run.id}/send")
    run_jobs()
    status = {r.to_address: r.status for r in _outbox_rows(final_run)}
    assert status == {a.email: "sent", b.email: "dead", c.email: "sent"}
    sent_at = {r.id: r.sent_at for r in _outbox_rows(final_run) if r.status == "sent"}
    progress = queries.progress(PayRun.get_by_id(final_run.id))
    assert (progress.sent, progress.dead, progress.percent, progress.settled) == (2, 1, 66, True)
    page = finance_client.get(
        f"/pay/runs/{final_run.id}/deliveries?status=dead",
        headers={"HX-Request": "true", "HX-Target": "delivery-rows"},
    )
    html = page.get_data(as_text=True)
    assert b.name in html and a.name not in html and "550" in html

    refusing_sink.refuse.clear()  # the mailbox is fixed
    response = post(finance_client, f"/pay/runs/{final_run.id}/resend")
    assert response.status_code == 303
    assert {r.to_address: r.status for r in _outbox_rows(final_run)}[b.email] == "queued"
    run_jobs()
    assert all(r.status == "sent" for r in _outbox_rows(final_run))
    assert {r.id: r.sent_at for r in _outbox_rows(final_run) if r.id in sent_at} == sent_at
    for employee in staff:
        assert len(refusing_sink.to(employee.email)) == 1
    assert AuditEntry.get(AuditEntry.action == "payrun.resend").detail == '{"notices":1}'
    # nothing failed any more: a second press re-sends nothing
    post(finance_client, f"/pay/runs/{final_run.id}/resend")
    assert sending.resend_failed(final_run.id, actor=finance) == 0


def test_send_after_holds_notices_and_slips(
    finance_client, finance, staff, make_run, run_jobs, mail_sink, login_as, client
):
    later = dt.datetime(2099, 1, 1, 1, 0)
    run = make_run(salary(staff[0]), finalise=True, send_after=later)
    post(finance_client, f"/pay/runs/{run.id}/send")
    (row,) = _outbox_rows(run)
    assert row.send_after == later and row.status == "queued"
    run_jobs()
    assert mail_sink.wait_for(1, timeout=0.5) == []
    html = finance_client.get(f"/pay/runs/{run.id}/progress").get_data(as_text=True)
    assert "menunggu hingga" in html
    login_as(staff[0])
    assert "Gaji" not in client.get("/pay/slips").get_data(as_text=True).split("<main")[1]


def test_no_amount_in_logs_or_audit(finance_client, staff, final_run, run_jobs, mail_sink, caplog):
    # What the app logs at its configured level (INFO); peewee's DEBUG echo of SQL parameters
    # is a developer switch that no environment turns on.
    caplog.set_level(logging.INFO)
    post(finance_client, f"/pay/runs/{final_run.id}/send")
    run_jobs()
    mail_sink.wait_for(3)
    finance_client.get(f"/pay/runs/{final_run.id}/preview")
    amounts = set()
    for n in PayNotice.select():
        for v in (n.net, n.earnings, n.deductions):
            if v >= 1000:  # (a zero deduction would "match" any digit)
                amounts |= {str(v), f"{v:,}".replace(",", ".")}
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert not [a for a in amounts if a in logged]
    audit = "\n".join(e.detail for e in AuditEntry.select())
    assert not [a for a in amounts if a in audit]


def test_invalid_address_refuses_the_whole_send(
    finance_client, finance, make_user, staff, make_run
):
    broken = make_user(name="Alamat Rusak", email="alamat rusak@kanim")
    run = make_run(salary(staff[0]) + salary(broken), finalise=True)
    with pytest.raises(runs.PayError) as exc:
        sending.send_run(run.id, actor=finance)
    assert exc.value.details == ["Alamat Rusak"]
    assert OutboxMessage.select().count() == 0
    assert PayRun.get_by_id(run.id).status == "final"


def test_an_existing_key_keeps_its_row(app_ctx, finance, staff, final_run, run_jobs, mail_sink):
    """The outbox's idempotency: a row already written under an employee's key is neither
    duplicated nor sent twice."""
    from intranet.extensions import transaction
    from intranet.notify.services import queue_email

    a = staff[0]
    with transaction():
        earlier = queue_email(
            f"pay:{final_run.id}:{a.id}",
            a.email,
            "emak/email/pay_notice",
            notices.preview_context(final_run, a.id)[1],
            kind="emak.pay_notice",
            object_type="PayRun",
            object_id=final_run.id,
        )
    sending.send_run(final_run.id, actor=finance)
    rows = _outbox_rows(final_run)
    assert len(rows) == 3 and earlier.id in {r.id for r in rows}
    assert PayNotice.get(PayNotice.employee == a.id).outbox_id == earlier.id
    run_jobs()
    mail_sink.wait_for(3)
    assert len(mail_sink.wait_for(4, timeout=1)) == 3


def test_the_slip_url_of_many_notices_is_the_one_url_for_builds(app):
    from flask import url_for

    from intranet.emak.notices import _slip_url, _slip_urls

    with app.test_request_context("/pay/runs/1/send", base_url="https://intranet.example"):
        many = _slip_urls()
        for notice_id in (1, 42, 918273645, 10_000_000):
            expected = url_for("emak.show_notice", notice_id=notice_id, _external=True)
            assert many(notice_id) == _slip_url(notice_id) == expected
    app.config["SERVER_NAME_FOR_LINKS"] = "https://kanim.example/intranet/"
    try:
        with app.app_context():
            assert _slip_urls()(918273645) == "https://kanim.example/intranet/pay/slips/918273645"
    finally:
        app.config["SERVER_NAME_FOR_LINKS"] = None
    with app.app_context():
        assert _slip_urls()(7) == ""  # no address known: no link
