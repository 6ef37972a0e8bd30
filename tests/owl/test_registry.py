"""The registry pages: foreigners (active search, form validation), the permit list (keyset
pages, filters, search), settings, and the demo data."""

import datetime as dt
import re

from intranet.owl import dates, settings
from intranet.owl.models import Foreigner, Permit
from tests.conftest import seeded_faker


def _form(**over):
    data = {
        "name": "Sophie Martin",
        "passport_number": "18AB12345",
        "passport_country": "FR",
        "nationality": "FR",
        "date_of_birth": "1990-04-02",
        "gender": "F",
        "email": "Sophie.Martin@Mail.example",
        "phone": "+62 812 0000 1111",
        "language": "en",
        "address": "Jl. Kemang Raya 1",
        "sponsor_name": "PT Contoh",
        "sponsor_email": "hr@contoh.example",
    }
    data.update(over)
    return data


def test_register_a_foreigner(client, login_as, owl_officer, app_ctx):
    owl_officer.language = "en"
    owl_officer.save()
    login_as(owl_officer)
    page = "/owl/foreigners/new"
    bad = client.post_form(
        page, _form(passport_number="12", email="nope", nationality="ZZZ"), token_from=page
    )
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "A passport number has 5 to 20 letters and digits." in html
    assert "Enter a valid e-mail address." in html
    assert Foreigner.select().count() == 0

    ok = client.post_form(page, _form(), token_from=page)
    assert ok.status_code == 303
    f = Foreigner.get()
    assert (f.passport_number, f.passport_key, f.email) == (
        "18AB12345",
        "18AB12345",
        "sophie.martin@mail.example",
    )
    again = client.post_form(page, _form(passport_number="18 ab 12345"), token_from=page)
    assert again.status_code == 422
    assert "already registered" in again.get_data(as_text=True)


def test_foreigner_search(client, login_as, owl_officer, make_foreigner, make_permit):
    make_permit(make_foreigner(name="Kenji Tanaka", passport_number="TK1234567"), days_left=90)
    make_foreigner(name="Maria Santos", passport_number="P1234567A")
    login_as(owl_officer)
    html = client.get("/owl/foreigners?q=tanaka").get_data(as_text=True)
    assert "Kenji Tanaka" in html and "Maria Santos" not in html
    fragment = client.get(
        "/owl/foreigners?q=p1234567a", headers={"HX-Request": "true", "HX-Target": "foreigner-rows"}
    )
    text = fragment.get_data(as_text=True)
    assert text.lstrip().startswith('<div id="foreigner-rows">')
    assert "Maria Santos" in text


def test_permit_list_pages_by_keyset(client, login_as, owl_officer, make_permit, app_ctx):
    today = dates.wib_today()
    for i in range(60):
        make_permit(days_left=i % 40, today=today, permit_number=f"2C26PG{i:07d}")
    make_permit(days_left=-5, today=today, permit_number="2C26PGEXPIRED")
    login_as(owl_officer)
    first = client.get("/owl/permits").get_data(as_text=True)
    assert first.count("<tr><td>") == 50
    assert "2C26PGEXPIRED" not in first
    cursor = re.search(r'id="next-page" href="[^"]*after=([^"&]+)', first).group(1)
    second = client.get(f"/owl/permits?after={cursor}").get_data(as_text=True)
    assert second.count("<tr><td>") == 10
    assert 'id="next-page"' not in second
    numbers = set(re.findall(r"2C26PG\d{7}", first)) | set(re.findall(r"2C26PG\d{7}", second))
    assert len(numbers) == 60
    expired = client.get("/owl/permits?state=expired").get_data(as_text=True)
    assert "2C26PGEXPIRED" in expired
    found = client.get("/owl/permits?q=2c26pg0000007").get_data(as_text=True)
    assert found.count("<tr><td>") == 1
    bogus = client.get("/owl/permits?after=garbage&state=nonsense&type=XX")
    assert bogus.status_code == 200


def test_permit_form_rejects_bad_dates_and_duplicates(
    client, login_as, owl_officer, make_foreigner, make_permit
):
    f = make_foreigner()
    make_permit(permit_number="2C26DUP0000001", days_left=100)
    owl_officer.language = "en"
    owl_officer.save()
    login_as(owl_officer)
    page = f"/owl/foreigners/{f.id}/permits/new"
    data = {
        "permit_type": "ITAS",
        "subtype": "work",
        "permit_number": "2C26DUP0000001",
        "issue_date": "2026-11-01",
        "expiry_date": "2026-10-01",
    }
    bad = client.post_form(page, data, token_from=page)
    assert bad.status_code == 422
    assert "The expiry date must be after the issue date." in bad.get_data(as_text=True)
    data["expiry_date"] = "2027-11-01"
    dup = client.post_form(page, data, token_from=page)
    assert dup.status_code == 422
    assert "Another permit already has this number." in dup.get_data(as_text=True)
    data["subtype"] = "spouse"  # an ITAP purpose
    data["permit_number"] = "2C26NEW0000001"
    assert client.post_form(page, data, token_from=page).status_code == 422
    data["subtype"] = "work"
    assert client.post_form(page, data, token_from=page).status_code == 303
    assert Permit.get(Permit.permit_number == "2C26NEW0000001").status == "active"


SETTINGS_FORM = {
    "lead_ITK": "14, 7, 1",
    "lead_ITAS": "90 60 30 14 7 1",
    "lead_ITAP": "60,30",
    "overstay_rate": "1000000",
    "escalation_days": "60",
    "service_standard_days": "4",
    "office_address": "Jl. Merpati Blok B-12 No. 3, Kemayoran, Jakarta Pusat",
    "office_phone": "(021) 6541209",
    "office_first_day": "0",
    "office_last_day": "4",
    "office_opens": "08:00",
    "office_closes": "16:00",
}


def test_settings_page_adds_lead_times_from_today(client, login_as, make_user, app_ctx):
    login_as(make_user("admin"))
    page = "/owl/settings"
    data = dict(SETTINGS_FORM)
    bad = client.post_form(page, {**data, "lead_ITAS": "60, soon"}, token_from=page)
    assert bad.status_code == 422
    assert client.post_form(page, data, token_from=page).status_code == 303
    rules = settings.lead_rules()
    today = dates.wib_today()
    assert rules["ITAS"][0] == (90, today)
    assert rules["ITAS"][1] == (60, None)
    assert [d for d, _ in rules["ITK"]] == [14, 7, 1]
    assert settings.service_standard_days() == 4


def test_settings_page_keeps_the_offices_closed_days(client, login_as, make_user, app_ctx):
    login_as(make_user("admin"))
    page = "/owl/settings"
    data = {
        **SETTINGS_FORM,
        "public_holidays": "2026-12-25 Natal\n\n24/12/2026 Cuti bersama Natal\n1-1-2027",
    }
    bad = client.post_form(
        page,
        {**data, "public_holidays": "2026-12-25 Natal\n2026-02-30\nLebaran\n2027-01-01"},
        token_from=page,
    )
    assert bad.status_code == 422
    assert "Baris 2, 3 bukan tanggal" in bad.get_data(as_text=True)  # the page is in Indonesian
    assert settings.holiday_entries() == [] and settings.lead_days("ITAS") == [60, 30, 14, 7, 1]

    assert client.post_form(page, data, token_from=page).status_code == 303
    assert settings.holiday_entries() == [
        (dt.date(2026, 12, 24), "Cuti bersama Natal"),
        (dt.date(2026, 12, 25), "Natal"),
        (dt.date(2027, 1, 1), ""),
    ]
    assert settings.snapshot().public_holidays == {
        dt.date(2026, 12, 24),
        dt.date(2026, 12, 25),
        dt.date(2027, 1, 1),
    }
    shown = client.get(page).get_data(as_text=True)
    assert "2026-12-24 Cuti bersama Natal\n2026-12-25 Natal\n2027-01-01</textarea>" in shown


def test_demo_data_loads(app_ctx, make_user):
    from intranet.owl import demo
    from intranet.owl.models import Application, OverstayCase

    accounts = {"izin_tinggal": make_user("izin_tinggal"), "admin": make_user("admin")}
    demo.load(seeded_faker(), accounts, count=120, today=dt.date(2026, 11, 27))
    assert Foreigner.select().count() == 120
    assert Permit.select().where(Permit.status == "active").count() > 60
    assert len({f.nationality for f in Foreigner.select()}) >= 8
    assert {"ITK", "ITAS", "ITAP"} <= {p.permit_type for p in Permit.select()}
    assert Application.select().where(Application.status == "completed").exists()
    assert OverstayCase.select().exists()
    assert {a.number for a in Application.select()} == {
        f"IZT-{a.received_on.year}-{a.id:06d}" for a in Application.select()
    }


def test_settings_page_keeps_the_office_contact(client, login_as, make_user, app_ctx):
    """The office's address, phone and opening hours shown on the public status page are
    settings; bad values are named and nothing is saved."""
    login_as(make_user("admin"))
    page = "/owl/settings"
    shown = client.get(page).get_data(as_text=True)
    assert "Jl. Merpati Blok B-12 No. 3, Kemayoran, Jakarta Pusat</textarea>" in shown
    assert 'value="08:00"' in shown and 'value="16:00"' in shown
    data = {
        **SETTINGS_FORM,
        "office_address": "Jl. Merpati Blok B-12 No. 3\nKemayoran, Jakarta Pusat 10620",
        "office_phone": "+62 21 6541209",
        "office_last_day": "5",
        "office_opens": "07:30",
        "office_closes": "15:00",
    }
    for wrong, message in (
        ({"office_phone": "call us"}, "Gunakan angka, spasi, tanda kurung, + dan - saja."),
        ({"office_opens": "8 pagi"}, "Masukkan jam dalam bentuk JJ:MM"),
        ({"office_closes": "07:00"}, "Jam tutup harus setelah jam buka."),
        ({"office_first_day": "4", "office_last_day": "0"}, "Pilih hari setelah hari buka"),
        ({"office_address": ""}, "Masukkan alamat kantor."),
    ):
        bad = client.post_form(page, {**data, **wrong}, token_from=page)
        assert bad.status_code == 422, wrong
        assert message in bad.get_data(as_text=True), wrong
        assert settings.office_contact() == settings.OfficeContact()
    assert client.post_form(page, data, token_from=page).status_code == 303
    office = settings.office_contact()
    assert office.phone == "+62 21 6541209" and office.last_day == 5
    assert (office.opens, office.closes) == ("07:30", "15:00")
    assert office.address == "Jl. Merpati Blok B-12 No. 3\nKemayoran, Jakarta Pusat 10620"
