"""Sign-in with NIP or e-mail, revocable sessions, idle timeout, throttling, safe `next`."""

import datetime as dt
import re

from itsdangerous.encoding import base64_decode

from intranet.auth.models import UserSession
from tests.conftest import TEST_PASSWORD


def _login(client, login, password=TEST_PASSWORD, next_url="", **request_options):
    path = "/login" + (f"?next={next_url}" if next_url else "")
    page = client.get(path, **request_options).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post(
        "/login",
        data={"csrf_token": token, "login": login, "password": password, "next": next_url},
        **request_options,
    )


def test_sign_in_with_email_and_with_nip(client, make_user):
    user = make_user("admin")
    response = _login(client, user.email.upper())
    assert response.status_code == 303 and response.headers["Location"] == "/home"
    client.clear_cookies()
    spaced = f"{user.nip[:8]} {user.nip[8:14]} {user.nip[14]} {user.nip[15:]}"
    response = _login(client, spaced)
    assert response.status_code == 303
    assert client.get("/home").status_code == 200


def test_wrong_password_gives_clear_message_and_no_session(client, make_user):
    user = make_user()
    response = _login(client, user.email, "wrong-password")
    assert response.status_code == 422
    assert "salah" in response.get_data(as_text=True)  # Indonesian by default
    assert UserSession.select().count() == 0
    assert client.get("/home").status_code == 302


def test_sixth_fast_wrong_password_is_throttled(client, make_user):
    user = make_user()
    for _ in range(5):
        assert _login(client, user.email, "nope-nope-1").status_code == 422
    response = _login(client, user.email, TEST_PASSWORD)  # even the right password waits
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Terlalu banyak percobaan" in body
    assert UserSession.select().count() == 0


def test_throttle_locks_one_account_only_and_briefly(app, client, make_user):
    victim = make_user()
    other = make_user()
    for _ in range(6):
        _login(client, victim.email, "nope-nope-1")
    assert _login(client, other.email).status_code == 303
    # The lock is the window (5 min by default), never longer:
    assert app.config["LOGIN_WINDOW_SECONDS"] <= 900


def test_cookie_replayed_after_sign_out_is_refused(app, client, make_user):
    user = make_user()
    _login(client, user.email)
    assert client.get("/home").status_code == 200
    stolen = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    client.post_form("/logout", token_from="/home")
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], stolen)
    response = thief.get("/home")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def _other_char(char):
    return "A" if char != "A" else "B"


def test_remembered_cookie_check_never_admits_an_altered_cookie(app, client, make_user):
    """The session cookie's signature check is remembered for a minute (CookieSessionInterface in
    intranet.core.speedups); a cookie differing in any character is still checked in full and
    refused."""
    user = make_user()
    _login(client, user.email)
    name = app.config["SESSION_COOKIE_NAME"]
    genuine = client.get_cookie(name).value
    assert client.get("/home").status_code == 200  # checked and remembered
    assert client.get("/home").status_code == 200  # from memory
    payload, stamp, signature = genuine.rsplit(".", 2)
    # Alter the first character: it carries six bits of data. (The last character of a base64
    # text also holds padding bits; changing only those leaves the decoded HMAC as it was, and
    # such a cookie is rightly accepted.)
    forged = f"{_other_char(signature[0])}{signature[1:]}"
    assert base64_decode(forged) != base64_decode(signature)
    for altered in (
        f"{payload}.{stamp}.{forged}",
        f"{_other_char(payload[0])}{payload[1:]}.{stamp}.{signature}",
    ):
        other = app.test_client()
        other.set_cookie(name, altered)
        response = other.get("/home")
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    other = app.test_client()
    other.set_cookie(name, genuine)
    assert other.get("/home").status_code == 200


def test_cookie_from_sign_in_is_final_pages_do_not_rewrite_it(app, make_user):
    """The sign-in cookie already holds the CSRF secret, so pages (which all carry a CSRF token)
    leave the cookie alone: a client that never stores a new cookie keeps working unchanged."""
    user = make_user()
    client = app.test_client()
    response = _login(client, user.email)
    assert response.status_code in (302, 303)
    name = app.config["SESSION_COOKIE_NAME"]
    for _ in range(2):
        page = client.get("/home")
        assert page.status_code == 200 and 'name="csrf_token"' in page.get_data(as_text=True)
        assert not any(h.startswith(name + "=") for h in page.headers.getlist("Set-Cookie"))


def test_sign_out_ends_every_session_of_the_user(app, make_user):
    user = make_user()
    phone, desk = app.test_client(), app.test_client()
    _login(phone, user.email)
    _login(desk, user.email)
    assert UserSession.select().where(UserSession.user == user).count() == 2
    token = re.search(r'"X-CSRFToken": "([^"]+)"', phone.get("/home").get_data(as_text=True))
    phone.post("/logout", headers={"X-CSRFToken": token.group(1)})
    assert desk.get("/home").status_code == 302


def test_deactivated_user_is_out_on_next_request(app, client, make_user, login_as):
    from intranet.auth.accounts import deactivate_user

    user = make_user()
    login_as(user)
    assert client.get("/home").status_code == 200
    deactivate_user(user)
    assert client.get("/home").status_code == 302
    assert _login(client, user.email).status_code == 422


def test_idle_session_expires(app, client, make_user, login_as):
    user = make_user()
    login_as(user)
    old = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(
        minutes=app.config["SESSION_IDLE_MINUTES"] + 1
    )
    UserSession.update(last_seen_at=old).execute()
    assert client.get("/home").status_code == 302
    assert UserSession.select().count() == 0


def test_password_change_ends_other_sessions(app, client, make_user):
    user = make_user()
    other = app.test_client()
    _login(client, user.email)
    _login(other, user.email)
    response = client.post_form(
        "/account/password",
        {"current": TEST_PASSWORD, "new": "Baru-Sekali-2027", "confirm": "Baru-Sekali-2027"},
        token_from="/account/password",
    )
    assert response.status_code == 303
    assert other.get("/home").status_code == 302
    assert _login(other, user.email, "Baru-Sekali-2027").status_code == 303


def test_weak_new_password_is_refused_with_message(client, make_user, login_as):
    user = make_user()
    login_as(user)
    response = client.post_form(
        "/account/password",
        {"current": TEST_PASSWORD, "new": "short", "confirm": "short"},
        token_from="/account/password",
    )
    assert response.status_code == 422
    assert "minimal 10 karakter" in response.get_data(as_text=True)


def test_next_only_redirects_inside_the_site(client, make_user):
    user = make_user()
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        client.clear_cookies()
        response = _login(client, user.email, next_url=evil)
        assert response.headers["Location"] == "/home", evil
    client.clear_cookies()
    assert _login(client, user.email, next_url="/admin/audit/").headers["Location"] == (
        "/admin/audit/"
    )


def test_sign_in_and_out_are_audited(client, make_user):
    from intranet.audit.models import AuditEntry

    user = make_user()
    _login(client, user.email, "wrong-password")
    _login(client, user.email)
    client.post_form("/logout", token_from="/home")
    actions = [e.action for e in AuditEntry.select().order_by(AuditEntry.id)]
    assert actions == ["auth.sign_in_failed", "auth.sign_in", "auth.sign_out"]


def test_next_with_a_control_character_goes_home_not_500(client, make_user):
    """A line break in `next` would make the Location header invalid (Werkzeug refuses it: 500);
    any target with a control character is refused like a foreign one."""
    from intranet.auth.views import safe_next

    user = make_user()
    for evil in ("/home\r\nSet-Cookie: x=1", "/home\n", "/\t/evil.example", "/a\x7fb", "/a\x85b"):
        assert safe_next(evil) is None, repr(evil)
        client.clear_cookies()
        response = _login(client, user.email, next_url=evil)
        assert response.status_code == 303 and response.headers["Location"] == "/home", repr(evil)
        assert client.get("/home").status_code == 200  # signed in, not lost to a 500
