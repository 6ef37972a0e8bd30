"""Password reset by e-mail through the outbox: single use, expiry, same answer for unknown
addresses."""

import datetime as dt
import re

import pytest

from intranet.audit.models import AuditEntry
from intranet.auth import password_reset
from intranet.auth.models import PasswordResetToken, UserSession
from intranet.models import utcnow
from intranet.notify.models import OutboxMessage
from intranet.people.models import User

from ..conftest import TEST_PASSWORD

NEW_PASSWORD = "Paspor-Baru-2027"


def _ask(client, address):
    return client.post_form("/password/forgot", {"email": address})


def _link(mail_sink, address):
    [msg] = mail_sink.to(address)
    text = mail_sink.text_of(msg)
    match = re.search(r"http://localhost(/password/reset/[A-Za-z0-9_-]+)", text)
    assert match, text
    assert match.group(0) in mail_sink.html_of(msg)
    return match.group(1)


def test_login_page_links_to_forgot_password(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in html and "Lupa kata sandi?" in html


def test_reset_by_email_end_to_end(app_ctx, make_user, client, run_jobs, mail_sink):
    user = make_user(email="budi@imigrasi.go.id", language="en")
    UserSession.create(key="x" * 64, user=user)  # signed in elsewhere
    response = _ask(client, "Budi@Imigrasi.go.id")
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    run_jobs()
    mail_sink.wait_for(1)
    [msg] = mail_sink.to("budi@imigrasi.go.id")
    assert msg["Subject"] == "Choose a new password for the intranet"  # the user's language
    path = _link(mail_sink, "budi@imigrasi.go.id")

    # The token never lingers in readable form: hashed in its table, wiped from the sent row.
    token = path.rsplit("/", 1)[1]
    assert not PasswordResetToken.select().where(PasswordResetToken.token_hash == token).exists()
    row = OutboxMessage.get(OutboxMessage.kind == "auth.password_reset")
    assert token not in row.context

    form = client.get(path)
    assert form.status_code == 200 and 'id="reset-form"' in form.get_data(as_text=True)
    assert form.headers["Cache-Control"] == "no-store"
    weak = client.post_form(path, {"new": "short", "confirm": "short"})
    assert weak.status_code == 422
    done = client.post_form(path, {"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303
    assert not UserSession.select().where(UserSession.user == user.id).exists()
    assert AuditEntry.select().where(AuditEntry.action == "auth.password_reset").exists()

    # Single use.
    again = client.get(path)
    assert again.status_code == 404 and 'id="reset-invalid"' in again.get_data(as_text=True)
    replay = client.post_form(path, {"new": "Lain-Lagi-2028x", "confirm": "Lain-Lagi-2028x"})
    assert replay.status_code == 404

    # The new password signs in, the old one does not.
    signin = client.post_form("/login", {"login": "budi@imigrasi.go.id", "password": NEW_PASSWORD})
    assert signin.status_code == 303


def test_unknown_address_gets_the_same_answer_and_no_mail(
    app_ctx, make_user, client, run_jobs, mail_sink
):
    make_user(email="ada@imigrasi.go.id")
    inactive = make_user(email="pensiun@imigrasi.go.id", active=False)
    known = _ask(client, "ada@imigrasi.go.id")
    unknown = _ask(client, "tidak-ada@imigrasi.go.id")
    gone = _ask(client, inactive.email)
    assert known.status_code == unknown.status_code == gone.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"] == gone.headers["Location"]
    pages = [client.get("/login").get_data(as_text=True) for _ in range(1)]
    assert "Jika alamat itu dipakai oleh akun yang aktif" in pages[0]
    run_jobs()
    assert [m.envelope_to for m in mail_sink.wait_for(2, timeout=1)] == [["ada@imigrasi.go.id"]]


def test_malformed_address_is_a_form_error(client):
    response = _ask(client, "bukan alamat")
    assert response.status_code == 422
    assert "Masukkan alamat e-mail yang valid" in response.get_data(as_text=True)


def test_repeated_requests_send_one_email_per_window(
    app_ctx, make_user, client, run_jobs, mail_sink
):
    make_user(email="sering@imigrasi.go.id")
    for _ in range(4):
        _ask(client, "sering@imigrasi.go.id")
    run_jobs()
    assert len(mail_sink.wait_for(2, timeout=1)) == 1


def test_link_expires(app_ctx, make_user, run_jobs, mail_sink):
    user = make_user(email="lama@imigrasi.go.id")
    now = utcnow()
    with app_ctx.test_request_context():
        password_reset.request_reset(user.email, now=now)
    run_jobs()
    mail_sink.wait_for(1)
    token = _link(mail_sink, user.email).rsplit("/", 1)[1]
    assert password_reset.valid_token(token, now + dt.timedelta(minutes=59)) is not None
    assert password_reset.valid_token(token, now + dt.timedelta(minutes=61)) is None
    with pytest.raises(password_reset.ResetError):
        password_reset.reset_password(token, NEW_PASSWORD, now + dt.timedelta(minutes=61))
    assert User.get_by_id(user.id).password_changed_at < now + dt.timedelta(seconds=1)


def test_links_use_the_configured_public_address(app_ctx, make_user, run_jobs, mail_sink):
    app_ctx.config["SERVER_NAME_FOR_LINKS"] = "https://intranet.kanim-jakpus.go.id/"
    user = make_user(email="tautan@imigrasi.go.id")
    with app_ctx.test_request_context(headers={"Host": "evil.example"}):
        password_reset.request_reset(user.email)
    run_jobs()
    [msg] = mail_sink.wait_for(1)
    text = mail_sink.text_of(msg)
    assert "https://intranet.kanim-jakpus.go.id/password/reset/" in text
    assert "evil.example" not in text


def test_old_password_still_works_until_reset(app_ctx, make_user, client):
    make_user(email="tetap@imigrasi.go.id")
    _ask(client, "tetap@imigrasi.go.id")
    signin = client.post_form(
        "/login", {"login": "tetap@imigrasi.go.id", "password": TEST_PASSWORD}
    )
    assert signin.status_code == 303
