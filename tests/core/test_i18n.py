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
