"""Every user-facing string has an Indonesian translation; the language switch works."""

from intranet.cli import missing_translations


def test_every_message_is_translated():
    problems = missing_translations()
    assert problems == [], "untranslated:\n" + "\n".join(f"{p[2]}: {p[1]!r}" for p in problems)


def test_indonesian_by_default_english_by_switch(client, make_user):
    assert "Masuk" in client.get("/login").get_data(as_text=True)
    client.post_form("/language", {"lang": "en", "next": "/login"})
    assert "Sign in to the intranet" in client.get("/login").get_data(as_text=True)


def test_language_remembered_per_user(app, client, make_user, login_as):
    from intranet.people.models import User

    user = make_user()
    login_as(user)
    client.post_form("/language", {"lang": "en"}, token_from="/home")
    assert User.get_by_id(user.id).language == "en"
    other = app.test_client()
    login_as(user, other)
    assert "Welcome" in other.get("/home").get_data(as_text=True)


def test_money_and_dates_formats(app):
    import datetime as dt

    from intranet.core.filters import format_number, id_date, rupiah, wib_datetime

    assert rupiah(1234567) == "Rp 1.234.567"
    assert rupiah(-5000) == "-Rp 5.000"
    assert format_number(1234567.5, 2) == "1.234.567,50"
    with app.test_request_context():
        assert wib_datetime(dt.datetime(2026, 11, 27, 3, 5)) == "27 Nov 2026 10:05 WIB"
        assert id_date(dt.date(2026, 8, 17)) == "17 Agustus 2026"


def test_language_switch_with_a_line_break_in_next_or_referer(client):
    """`next` (or the Referer) with CR/LF: the switch still works and lands on the home page."""
    for data, environ in (
        ({"lang": "en", "next": "/login\r\nX-Evil: 1"}, {}),
        ({"lang": "en"}, {"HTTP_REFERER": "/login\nX-Evil: 1"}),  # as a server may pass it on
    ):
        client.clear_cookies()
        token = client.csrf_token()
        response = client.post(
            "/language", data=data, headers={"X-CSRFToken": token}, environ_overrides=environ
        )
        assert response.status_code == 303 and response.headers["Location"] == "/"
        assert "X-Evil" not in response.headers
        assert "Sign in to the intranet" in client.get("/login").get_data(as_text=True)


def test_first_visit_follows_the_browsers_language(client):
    """Without a choice, a page is in the browser's preferred language among Indonesian and
    English (Indonesian when it prefers neither)."""
    for accept, language in (
        ("en-US", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("fr-FR, en;q=0.5", "en"),
        ("id-ID,id;q=0.9,en;q=0.8", "id"),
        ("en;q=0.5, in-ID", "id"),  # "in": the old code for Indonesian
        ("fr-FR", "id"),
        ("", "id"),
    ):
        for path in ("/login", "/owl/status"):
            response = client.get(path, headers={"Accept-Language": accept})
            html = response.get_data(as_text=True)
            assert f'<html lang="{language}">' in html, (accept, path)
            assert "Accept-Language" in response.headers["Vary"]


def test_an_explicit_choice_wins_over_the_browser(client):
    english = {"Accept-Language": "en-US,en;q=0.9"}
    assert "Sign in to the intranet" in client.get("/login", headers=english).get_data(as_text=True)
    token = client.csrf_token()
    client.post(
        "/language",
        data={"lang": "id", "next": "/login"},
        headers={"X-CSRFToken": token, **english},
    )
    assert "Masuk ke intranet" in client.get("/login", headers=english).get_data(as_text=True)


def test_a_signed_in_user_keeps_the_stored_language(client, make_user, login_as):
    login_as(make_user())  # language "id", the default
    html = client.get("/home", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert '<html lang="id">' in html


def test_no_message_is_translated_two_ways():
    """The catalogs are merged into one: where two catalogs translate the same English id
    differently, the later silently wins everywhere (Si Anggrek's officer reports read "Tanda",
    Si Cempaka's flags; the mail catcher read "Penangkap surat"; a date range's "To" read
    "Kepada"). An id means one thing; homonyms get ids of their own ("Until" for a date)."""
    import glob
    import os

    from babel.messages.pofile import read_po

    from intranet.i18n import translation_directories

    seen = {}
    for tdir in translation_directories():
        for path in glob.glob(os.path.join(tdir, "id", "LC_MESSAGES", "messages.po")):
            with open(path, "rb") as fh:
                for message in read_po(fh):
                    if message.id:
                        key = message.id if isinstance(message.id, str) else message.id[0]
                        seen.setdefault(key, {})[os.path.relpath(path)] = str(message.string)
    clashes = {k: v for k, v in seen.items() if len(set(v.values())) > 1}
    assert clashes == {}
