"""The outbox admin page and the password-reset flow in a real Chromium."""

import re

import pytest

from intranet.extensions import transaction
from intranet.notify.models import DEAD, OutboxMessage
from intranet.notify.services import queue_email

from ..conftest import browser_login

pytestmark = pytest.mark.browser


def test_admin_pauses_and_resumes_sending_from_the_outbox_page(page, make_user):
    admin = make_user("admin", email="admin.tik@imigrasi.go.id")
    with transaction():
        row = queue_email(
            "pay:1:1",
            "pegawai@imigrasi.go.id",
            "notify/email/test_message",
            {"requested_by": "Uji", "requested_at": None},
            kind="emak.pay_notice",
        )
    OutboxMessage.update(status=DEAD, last_error="550 No such user").where(
        OutboxMessage.id == row.id
    ).execute()
    browser_login(page, admin.email)
    # The dead message is announced on the admin's first page.
    assert "sudah menyerah" in page.inner_text("#flash-area")
    page.click("#flash-area a.alert-link")
    page.wait_for_url("**/admin/outbox/?status=dead")
    assert page.locator(f'#outbox-rows tr[data-id="{row.id}"]').is_visible()
    page.goto("/admin/outbox/")
    assert page.inner_text('[data-count-status="dead"]').strip().endswith("1")

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#pause-sending")
    page.wait_for_selector("#paused-banner")
    page.click("#resume-sending")
    page.wait_for_selector("#pause-sending")
    assert not page.locator("#paused-banner").count()

    page.click(f'#outbox-rows tr[data-id="{row.id}"] a')
    page.wait_for_selector("#rendered-text")
    assert "Ini adalah pesan uji" in page.inner_text("#rendered-text")
    page.click("#retry-message")
    page.wait_for_selector('.badge[data-status="queued"]')


def test_forgot_password_flow_in_the_browser(page, make_user, run_jobs, mail_sink):
    make_user(email="lupa@imigrasi.go.id")
    page.goto("/login")
    page.click("#forgot-password")
    page.wait_for_url("**/password/forgot")
    page.fill("#email", "lupa@imigrasi.go.id")
    page.click("#forgot-form button[type=submit]")
    page.wait_for_url("**/login")
    assert "tautan untuk membuat kata sandi baru sedang dikirim" in page.inner_text("#flash-area")
    run_jobs()
    [msg] = mail_sink.wait_for(1)
    link = re.search(r"https?://[^/\s]+(/password/reset/\S+)", mail_sink.text_of(msg)).group(1)
    page.goto(link)
    page.fill("#new", "Sandi-Baru-2027!")
    page.fill("#confirm", "Sandi-Baru-2027!")
    page.click("#reset-form button[type=submit]")
    page.wait_for_url("**/login")
    page.fill("#login", "lupa@imigrasi.go.id")
    page.fill("#password", "Sandi-Baru-2027!")
    page.click("#login-form button[type=submit]")
    page.wait_for_url("**/home")
