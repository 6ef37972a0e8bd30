"""Rendering outbox e-mails: the text part carries text as it is, the HTML part escapes what it
is given and keeps the catalog's own markup, in both languages, through includes and
plurals."""

import pytest

from intranet.notify.rendering import render_email

NAME = "Siti <b>Rahayu</b> & O'Brien"


def pay_context(**extra):
    context = {
        "kind": "gaji",
        "kind_label": "",
        "period": "2026-11-01",
        "pay_date": "2026-11-25",
        "corrects_period": None,
        "is_correction": False,
        "note": "Gaji induk <i>November</i> & rapel",
        "name": NAME,
        "nip": "19860926 201505 1 001",
        "secret_pay": {
            "lines": [
                {"component": "gaji_pokok", "deduction": False, "amount": 4_575_200},
                {"component": "iwp", "deduction": True, "amount": 457_520},
            ],
            "earnings": 4_575_200,
            "deductions": 457_520,
            "net": 4_117_680,
        },
        "url": "https://intranet.example/pay/slips/1?a=1&b=2",
    }
    context.update(extra)
    return context


@pytest.mark.parametrize(("language", "greeting"), [("en", "Dear {},"), ("id", "Yth. {},")])
def test_text_is_as_written_and_html_is_escaped(app_ctx, language, greeting):
    with app_ctx.test_request_context("/"):
        subject, text, html = render_email("emak/email/pay_notice", pay_context(), language)
    assert greeting.format(NAME) in text
    assert "Gaji induk <i>November</i> & rapel" in text
    assert "&amp;" not in text and "&lt;" not in text and "&#39;" not in text
    assert "Rp 4.117.680" in text and "Rp 4.117.680" in html

    escaped = "Siti &lt;b&gt;Rahayu&lt;/b&gt; &amp; O&#39;Brien"
    assert greeting.format(escaped) in html
    assert "<b>Rahayu</b>" not in html and "<i>November</i>" not in html
    assert "Gaji induk &lt;i&gt;November&lt;/i&gt; &amp; rapel" in html
    assert 'href="https://intranet.example/pay/slips/1?a=1&amp;b=2"' in html
    assert "<" not in subject and "&amp;" not in subject


def test_an_included_part_is_text_in_both_parts(app_ctx):
    """Si Anggrek's new-flag e-mail takes the category's name from an included part, in the
    subject, the text and the HTML."""
    context = {
        "flag_id": 7,
        "officer_name": "Budi & Co <script>",
        "head_name": "Kepala",
        "category": "pungli",
        "url": "https://intranet.example/flags/7",
    }
    with app_ctx.test_request_context("/"):
        subject, text, html = render_email("anggrek/email/new_flag", context, "en")
    assert subject == "New flag #7 about Budi & Co <script>: Asked for unofficial payment (pungli)"
    assert "counter officer Budi & Co <script> (Asked for unofficial payment (pungli))" in text
    assert "Keep the reporter's identity confidential." in text
    assert "counter officer Budi &amp; Co &lt;script&gt; (Asked for unofficial payment" in html
    assert "<script>" not in html


def test_plurals_in_both_parts(app_ctx):
    context = {
        "supervisor_name": "Atasan",
        "count": 1,
        "items": [],
        "url": "https://intranet.example/",
    }
    with app_ctx.test_request_context("/"):
        one = render_email("cempaka/email/digest", context, "en")
        many = render_email("cempaka/email/digest", dict(context, count=3), "en")
    assert one[0] == "1 WFH deliverable waiting for your review"
    assert many[0] == "3 WFH deliverables waiting for your review"
    assert "1 deliverable of your direct reports has been waiting" in one[2]
    assert "3 deliverables of your direct reports have been waiting" in many[2]


def test_strings_without_variables_stay_per_language(app_ctx):
    """Such strings are worked out once per catalog: switching languages back and forth gives
    each language its own text, and ``%%`` still reads ``%`` every time."""
    from flask_babel import force_locale, get_translations

    from intranet.notify.rendering import _bound_gettext

    with app_ctx.test_request_context("/"):
        rendered = [
            render_email("emak/email/pay_notice", pay_context(), language)
            for language in ("en", "id", "en", "id")
        ]
        with force_locale("en"):
            for html in (False, True):
                gettext = _bound_gettext(get_translations(), html)[0]
                assert gettext("100%% paid") == gettext("100%% paid") == "100% paid"
    assert rendered[0] == rendered[2] and rendered[1] == rendered[3]
    assert "Net amount" in rendered[0][1] and "Net amount" not in rendered[1][1]


@pytest.mark.parametrize("size", [0, 1, 56, 57, 58, 114, 1000])
def test_base64_parts_are_standard_lines(size):
    """76-character lines ending in CRLF, as the standard library writes them."""
    import base64

    from intranet.notify.rendering import _base64_lines

    body = ("é−x" * size)[:size]
    expected = base64.encodebytes(body.encode("utf-8")).replace(b"\n", b"\r\n")
    assert _base64_lines(body) == expected
