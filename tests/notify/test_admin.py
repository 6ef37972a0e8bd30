"""Admin outbox page: counts, filters, detail, retry, pause/resume, dead-mail alert."""

import datetime as dt

from intranet.audit.models import AuditEntry
from intranet.extensions import get_queue, transaction
from intranet.notify import settings as cfg
from intranet.notify.models import DEAD, FAILED, QUEUED, SENT, OutboxMessage
from intranet.notify.services import queue_email

TEMPLATE = "notify/email/test_message"


def _queue(key, to="warga@example.com", kind="notify.test", **context):
    context = {"requested_by": "Uji", "requested_at": dt.datetime(2026, 11, 27, 1, 0), **context}
    return queue_email(key, to, TEMPLATE, context, kind=kind)


def _make_dead(row, error="550 5.1.1 No such user"):
    OutboxMessage.update(
        status=DEAD,
        attempts=8,
        last_error=error,
        error_log=f"2026-11-27 01:00:00 UTC: {error}\n",
        job_id="",
    ).where(OutboxMessage.id == row.id).execute()


def test_outbox_page_counts_filters_and_lists(app_ctx, make_user, login_as, client):
    admin = make_user("admin")
    login_as(admin)
    with transaction():
        a = _queue("k:1", kind="emak.pay_notice")
        b = _queue("k:2", to="other@example.com", kind="owl.permit_warning")
    _make_dead(b)
    page = client.get("/admin/outbox/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-count-status="dead"' in html and 'data-kind="emak.pay_notice"' in html
    assert "warga@example.com" in html and "other@example.com" in html
    assert 'id="dead-alert"' in html

    dead_only = client.get("/admin/outbox/?status=dead").get_data(as_text=True)
    assert f'data-id="{b.id}"' in dead_only and f'data-id="{a.id}"' not in dead_only
    by_kind = client.get("/admin/outbox/?kind=emak.pay_notice").get_data(as_text=True)
    assert f'data-id="{a.id}"' in by_kind and f'data-id="{b.id}"' not in by_kind
    by_address = client.get("/admin/outbox/?q=other@example.com").get_data(as_text=True)
    assert f'data-id="{b.id}"' in by_address and f'data-id="{a.id}"' not in by_address


def test_outbox_is_for_admins_only(app_ctx, make_user, login_as, client):
    login_as(make_user("keuangan", "kepala"))
    assert client.get("/admin/outbox/").status_code == 403
    assert client.get("/admin/scheduler/").status_code == 403


def test_message_detail_shows_rendered_text_attempts_errors_and_is_audited(
    app_ctx, make_user, login_as, client
):
    admin = make_user("admin")
    login_as(admin)
    row = _queue("detail:1", secret_token="abc-very-secret")
    _make_dead(row)
    page = client.get(f"/admin/outbox/{row.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Ini adalah pesan uji yang dikirim oleh Uji" in html  # rendered in the row's language
    assert 'id="attempts">8<' in html
    assert "550 5.1.1 No such user" in html
    assert "abc-very-secret" not in html
    assert (
        AuditEntry.select()
        .where(
            (AuditEntry.action == "notify.message_viewed") & (AuditEntry.object_id == str(row.id))
        )
        .exists()
    )
    preview = client.get(f"/admin/outbox/{row.id}/html")
    assert preview.status_code == 200
    assert "sandbox" in preview.headers["Content-Security-Policy"]
    assert client.get("/admin/outbox/999999").status_code == 404


def test_retry_one_dead_message(app_ctx, make_user, login_as, client, run_jobs, mail_sink):
    login_as(make_user("admin"))
    row = _queue("retry:1")
    run_jobs()
    mail_sink.wait_for(1)
    mail_sink.clear()
    _make_dead(row)
    response = client.post_form(f"/admin/outbox/{row.id}/retry", token_from="/home")
    assert response.status_code == 303
    row = OutboxMessage.get_by_id(row.id)
    assert row.status == QUEUED and row.attempts == 0
    assert "retried by an administrator" in row.error_log
    run_jobs()
    assert len(mail_sink.wait_for(1)) == 1
    assert OutboxMessage.get_by_id(row.id).status == SENT
    # A row that is not dead cannot be "retried" into a second copy.
    client.post_form(f"/admin/outbox/{row.id}/retry", token_from="/home")
    assert OutboxMessage.get_by_id(row.id).status == SENT
    assert get_queue().count == 0


def test_retry_all_dead_of_a_kind(app_ctx, make_user, login_as, client, run_jobs, mail_sink):
    login_as(make_user("admin"))
    with transaction():
        pay = [_queue(f"pay:{i}", to=f"p{i}@example.com", kind="emak.pay_notice") for i in range(3)]
        other = _queue("owl:1", kind="owl.permit_warning")
    for row in [*pay, other]:
        _make_dead(row)
    response = client.post_form(
        "/admin/outbox/retry-dead", {"kind": "emak.pay_notice"}, token_from="/home"
    )
    assert response.status_code == 303
    run_jobs()
    assert sorted(m.envelope_to[0] for m in mail_sink.wait_for(3)) == [
        "p0@example.com",
        "p1@example.com",
        "p2@example.com",
    ]
    assert OutboxMessage.get_by_id(other.id).status == DEAD
    assert AuditEntry.select().where(AuditEntry.action == "notify.dead_retried").exists()


def test_pause_holds_messages_and_resume_sends_each_once(
    app_ctx, make_user, login_as, client, run_jobs, mail_sink
):
    login_as(make_user("admin"))
    assert client.post_form("/admin/outbox/pause", token_from="/home").status_code == 303
    assert cfg.is_paused()
    assert 'id="paused-banner"' in client.get("/admin/outbox/").get_data(as_text=True)
    with transaction():
        rows = [_queue(f"hold:{i}", to=f"h{i}@example.com") for i in range(12)]
    run_jobs()
    assert mail_sink.wait_for(1, timeout=0.5) == []
    assert {OutboxMessage.get_by_id(r.id).status for r in rows} == {QUEUED}

    assert client.post_form("/admin/outbox/resume", token_from="/home").status_code == 303
    run_jobs()
    run_jobs()
    messages = mail_sink.wait_for(12)
    assert sorted(m.envelope_to[0] for m in messages) == sorted(
        f"h{i}@example.com" for i in range(12)
    )
    assert len(mail_sink.wait_for(13, timeout=0.5)) == 12
    actions = {e.action for e in AuditEntry.select()}
    assert {"notify.sending_paused", "notify.sending_resumed"} <= actions


def test_dead_messages_alert_admins_on_their_pages(app_ctx, make_user, login_as, client):
    admin = make_user("admin")
    login_as(admin)
    page = client.get("/home", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "gave up" not in page and "menyerah" not in page
    _make_dead(_queue("alert:1"))
    page = client.get("/home", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Beberapa e-mail tidak dapat dikirim dan sudah menyerah." in page
    assert "/admin/outbox/?status=dead" in page
    client.get("/admin/outbox/", headers={"Accept": "text/html"})  # seen
    page = client.get("/home", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "sudah menyerah" not in page


def test_dead_messages_do_not_alert_employees(app_ctx, make_user, login_as, client):
    login_as(make_user("pegawai", "keuangan"))
    _make_dead(_queue("alert:2"))
    page = client.get("/home", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "sudah menyerah" not in page


def test_test_email_from_the_admin_page(app_ctx, make_user, login_as, client, run_jobs, mail_sink):
    admin = make_user("admin", name="Admin TIK")
    login_as(admin)
    bad = client.post_form("/admin/outbox/test", {"to": "not-an-address"}, token_from="/home")
    assert bad.status_code == 422  # the page again, the address as typed and the message by it
    page = bad.get_data(as_text=True)
    assert 'value="not-an-address"' in page and 'id="fb-to">Masukkan alamat e-mail' in page
    assert OutboxMessage.select().count() == 0
    client.post_form("/admin/outbox/test", {"to": "tik@imigrasi.go.id"}, token_from="/home")
    run_jobs()
    [msg] = mail_sink.wait_for(1)
    assert "Admin TIK" in mail_sink.text_of(msg)


def test_mail_catcher_links_to_the_outbox(app_ctx, make_user, login_as, client):
    login_as(make_user("admin"))
    html = client.get("/admin/mail/").get_data(as_text=True)
    assert 'href="/admin/outbox/"' in html


def test_failed_row_shows_its_next_try(app_ctx, make_user, login_as, client):
    login_as(make_user("admin"))
    row = _queue("failed:1")
    OutboxMessage.update(status=FAILED, attempts=2, last_error="ConnectionRefusedError").where(
        OutboxMessage.id == row.id
    ).execute()
    html = client.get("/admin/outbox/?status=failed").get_data(as_text=True)
    assert "ConnectionRefusedError" in html and "percobaan berikutnya" in html
