"""The public status page and its JSON twin: no login, both numbers must match, a mismatch
answers exactly like a number that does not exist, rate-limited per IP with real Redis."""

import datetime as dt
import re

import pytest


@pytest.fixture
def case(make_foreigner, make_permit, make_application, today):
    f = make_foreigner(name="Mia Taylor", passport_number="PA7654321")
    make_permit(f, days_left=20)
    application = make_application(f, kind="extension")
    other = make_foreigner(name="Someone Else", passport_number="PB1111111")
    return application, f, other


def _lookup(client, number, passport, lang=None):
    if lang:
        client.set_cookie("lang", lang)
    return client.post_form(
        "/owl/status",
        {"application_number": number, "passport_number": passport},
        token_from="/owl/status",
    )


def test_form_needs_no_login(client):
    response = client.get("/owl/status")
    assert response.status_code == 200
    assert "X-Auth-Required" not in response.headers
    assert 'id="status-form"' in response.get_data(as_text=True)


def test_both_numbers_show_status_and_expiry(client, case):
    application, _f, _other = case
    response = _lookup(client, application.number.lower(), "pa 765 4321", lang="en")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Application {application.number}" in html
    assert "Received" in html
    assert "Valid until" in html
    assert "Mia Taylor" not in html  # the page shows no personal data
    assert response.headers["Cache-Control"] == "no-store"


def test_mismatch_answers_exactly_like_nonexistent(client, case):
    application, _f, _other = case
    mismatch = _lookup(client, application.number, "PB1111111")  # another foreigner's passport
    missing = _lookup(client, "IZT-2026-999999", "PB1111111")
    assert mismatch.status_code == missing.status_code == 200

    def body(r):
        html = r.get_data(as_text=True)
        html = re.sub(r'name="csrf_token"[^>]*>', "", html)
        html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
        html = re.sub(r'value="[^"]*"', "", html)  # the echoed numbers differ by construction
        return html

    assert body(mismatch) == body(missing)
    assert 'id="status-not-found"' in mismatch.get_data(as_text=True)
    assert application.number not in re.sub(r'value="[^"]*"', "", mismatch.get_data(as_text=True))


def test_missing_field_is_a_validation_error(client):
    response = client.post_form(
        "/owl/status",
        {"application_number": "", "passport_number": "X"},
        token_from="/owl/status",
    )
    assert response.status_code == 422
    assert "Masukkan nomor permohonan." in response.get_data(as_text=True)  # Indonesian default


def test_rate_limited_per_ip_with_a_clear_message(app, client, case):
    app.config["OWL_STATUS_LIMIT"] = 3
    application, _f, _other = case
    for _ in range(3):
        assert _lookup(client, application.number, "PA7654321", lang="en").status_code == 200
    limited = _lookup(client, application.number, "PA7654321", lang="en")
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    html = limited.get_data(as_text=True)
    assert "Too many look-ups from this connection" in html
    assert f"Application {application.number}" not in html
    # the page and the JSON endpoint share the counter; another address is not affected
    args = {"application": application.number, "passport": "PA7654321"}
    assert client.get("/owl/api/status", query_string=args).status_code == 429
    other = client.get(
        "/owl/api/status", query_string=args, environ_base={"REMOTE_ADDR": "10.1.2.3"}
    )
    assert other.status_code == 200


def test_json_endpoint(client, case, app):
    application, _f, _other = case
    ok = client.get(
        "/owl/api/status",
        query_string={"application": application.number, "passport": "pa7654321", "lang": "en"},
    )
    assert ok.status_code == 200
    data = ok.get_json()
    assert data["found"] is True
    assert data["application"]["number"] == application.number
    assert data["application"]["status"] == "received"
    assert data["application"]["status_label"] == "Received"
    assert data["permit"]["type"] == "ITAS"
    assert data["permit"]["expired"] is False
    assert dt.date.fromisoformat(data["permit"]["expiry_date"])
    assert "name" not in str(data).lower()

    mismatch = client.get(
        "/owl/api/status",
        query_string={"application": application.number, "passport": "PB1111111"},
    )
    missing = client.get(
        "/owl/api/status", query_string={"application": "IZT-1-1", "passport": "PB1111111"}
    )
    assert mismatch.status_code == missing.status_code == 404
    assert mismatch.get_json() == missing.get_json()
    assert mismatch.get_json()["error"] == "not_found"

    bad = client.get("/owl/api/status", query_string={"application": application.number})
    assert bad.status_code == 400 and bad.get_json()["error"] == "bad_request"


def test_json_rate_limit(app, client, case):
    app.config["OWL_STATUS_LIMIT"] = 2
    application, _f, _other = case
    args = {"application": application.number, "passport": "PA7654321", "lang": "en"}
    assert client.get("/owl/api/status", query_string=args).status_code == 200
    assert client.get("/owl/api/status", query_string=args).status_code == 200
    limited = client.get("/owl/api/status", query_string=args)
    assert limited.status_code == 429
    body = limited.get_json()
    assert body["error"] == "rate_limited" and body["retry_after"] > 0
    assert "Too many look-ups" in body["message"]
    elsewhere = client.get(
        "/owl/api/status", query_string=args, environ_base={"REMOTE_ADDR": "10.9.9.9"}
    )
    assert elsewhere.status_code == 200


def test_lookups_are_audited_without_the_passport(client, case, app_ctx):
    from intranet.audit.models import AuditEntry

    application, _f, _other = case
    _lookup(client, application.number, "PA7654321")
    _lookup(client, application.number, "WRONG0000")
    entries = list(
        AuditEntry.select().where(AuditEntry.action == "owl.status.lookup").order_by(AuditEntry.id)
    )
    assert [e.detail for e in entries] == [
        '{"channel":"web","found":true}',
        '{"channel":"web","found":false}',
    ]
    assert all("PA7654321" not in e.detail for e in entries)


def test_current_disruption_is_shown(client, app_ctx):
    from intranet.models import utcnow
    from intranet.owl.models import Disruption

    Disruption.create(
        title_en="Network outage",
        title_id="Gangguan jaringan",
        message_en="The system is down.",
        message_id="Sistem sedang tidak dapat diakses.",
        starts_at=utcnow() - dt.timedelta(hours=1),
        expected_end_at=utcnow() + dt.timedelta(hours=3),
    )
    Disruption.create(
        title_en="Old outage",
        title_id="Gangguan lama",
        message_en="x",
        message_id="x",
        starts_at=utcnow() - dt.timedelta(days=3),
        expected_end_at=utcnow() - dt.timedelta(days=2),
        resolved_at=utcnow() - dt.timedelta(days=2),
    )
    html = client.get("/owl/status").get_data(as_text=True)
    assert "Gangguan jaringan" in html and "Gangguan lama" not in html
    client.set_cookie("lang", "en")
    html = client.get("/owl/status").get_data(as_text=True)
    assert "Network outage" in html and "The system is down." in html


def test_where_it_says_contact_the_office_the_page_names_it(
    app_ctx, client, case, make_user, login_as
):
    """A rejected application (and one not found) names the office's address, phone and
    opening hours, in the page's language; they are the Si Owl settings."""
    from intranet.owl import settings
    from intranet.owl.services import applications

    application, _f, _other = case
    applications.reject_application(application, reason="Dokumen sponsor tidak lengkap.")
    english = _lookup(client, application.number, "PA7654321", lang="en")
    html = english.get_data(as_text=True)
    assert "you may contact the office" in html
    office = re.search(r'<address[^>]*id="status-office".*?</address>', html, re.S).group(0)
    assert "Jl. Merpati Blok B-12 No. 3, Kemayoran, Jakarta Pusat" in office
    assert '<a href="tel:0216541209">(021) 6541209</a>' in office
    assert "Monday to Friday, 08:00–16:00 WIB, except public holidays" in office
    indonesian = _lookup(client, application.number, "PA7654321", lang="id").get_data(as_text=True)
    assert "Senin sampai Jumat, 08.00–16.00 WIB, kecuali hari libur nasional" in indonesian
    settings.set_office_contact(
        settings.OfficeContact(
            address="Gedung Baru, Jl. Contoh 1", phone="+62 21 555", last_day=5, closes="15:00"
        )
    )
    missing = _lookup(client, "IZT-2026-999999", "PA7654321", lang="en").get_data(as_text=True)
    office = re.search(r'<address[^>]*id="status-office".*?</address>', missing, re.S).group(0)
    assert "Gedung Baru, Jl. Contoh 1" in office and 'href="tel:+6221555"' in office
    assert "Monday to Saturday, 08:00–15:00 WIB" in office
