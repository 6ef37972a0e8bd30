"""Monthly recap and exports by scope; the admin settings page; the retention sweep."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from intranet.audit.models import AuditEntry
from intranet.cempaka import location, maintenance, recap, review, submissions, uploads
from intranet.cempaka import settings as cset
from intranet.cempaka.models import Submission, SubmissionVersion
from intranet.core.models import get_setting

from .conftest import pdf_bytes


@pytest.fixture
def november(office, make_submission):
    """Dewi: approved on 2 days (3 deliverables), one pending; Agus: one rejected; Rina (other
    unit, other supervisor): one approved. One October deliverable that must not count."""

    def on(employee, day, decision=None, comment="Catatan."):
        s = make_submission(
            employee, work_date=dt.date(2026, 11, day), now=dt.datetime(2026, 11, day, 3, 0)
        )
        if decision:
            boss = office.boss if employee.supervisor_id == office.boss.id else office.other_boss
            review.decide(s, boss, decision, comment)
        return s

    on(office.emp, 2, "approved")
    on(office.emp, 2, "approved")
    on(office.emp, 3, "approved")
    on(office.emp, 4)
    on(office.emp2, 5, "rejected")
    on(office.stranger, 6, "approved")
    make_submission(office.emp, work_date=dt.date(2026, 10, 30), now=dt.datetime(2026, 10, 30, 3))


def _rows(html):
    import re

    return {
        int(emp): {m[0]: int(m[1]) for m in re.findall(r'data-col="(\w+)">(\d+)<', body)}
        for emp, body in re.findall(r'<tr data-employee="(\d+)">(.*?)</tr>', html, re.S)
    }


def test_recap_counts_days_per_status(app_ctx, office, november):
    rows = {r.employee_id: r for r in recap.recap(dt.date(2026, 11, 1), None)}
    dewi = rows[office.emp.id]
    assert (dewi.approved_days, dewi.pending_days, dewi.rejected_days, dewi.submissions) == (
        2,
        1,
        0,
        4,
    )
    assert rows[office.emp2.id].rejected_days == 1
    assert set(rows) == {office.emp.id, office.emp2.id, office.stranger.id}
    assert recap.working_days(dt.date(2026, 11, 1), cset.load()) == 21


def test_recap_scopes(client, office, november, sign_in):
    sign_in(office.emp)
    mine = _rows(client.get("/cempaka/recap?month=2026-11&scope=all").get_data(as_text=True))
    assert set(mine) == {office.emp.id}  # an employee sees only their own, whatever they ask
    assert mine[office.emp.id]["approved"] == 2
    sign_in(office.boss)
    reports = _rows(client.get("/cempaka/recap?month=2026-11").get_data(as_text=True))
    assert set(reports) == {office.emp.id, office.emp2.id}
    sign_in(office.head)
    everyone = _rows(client.get("/cempaka/recap?month=2026-11").get_data(as_text=True))
    assert set(everyone) == {office.emp.id, office.emp2.id, office.stranger.id}
    unit_b = _rows(
        client.get(f"/cempaka/recap?month=2026-11&unit={office.unit_b.id}").get_data(as_text=True)
    )
    # a unit lists every member, those without deliverables with zeros
    assert set(unit_b) == {office.stranger.id, office.other_boss.id}
    assert unit_b[office.other_boss.id] == {
        "approved": 0,
        "pending": 0,
        "revision": 0,
        "rejected": 0,
    }
    october = _rows(client.get("/cempaka/recap?month=2026-10").get_data(as_text=True))
    assert october[office.emp.id]["pending"] == 1


def test_recap_exports_csv_and_xlsx(english, client, office, november, sign_in):
    sign_in(office.boss)
    response = client.get("/cempaka/recap/export?month=2026-11&format=csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["Name", "NIP", "Unit", "Days approved"]
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == {"Dewi Lestari", "Agus Santoso"}
    assert by_name["Dewi Lestari"][3:] == ["2", "1", "0", "0", "4"]
    xlsx = client.get("/cempaka/recap/export?month=2026-11&format=xlsx")
    assert xlsx.status_code == 200
    ws = load_workbook(io.BytesIO(xlsx.data)).active
    values = list(ws.iter_rows(values_only=True))
    assert len(values) == 3 and {v[0] for v in values[1:]} == {"Dewi Lestari", "Agus Santoso"}
    assert AuditEntry.select().where(AuditEntry.action == "cempaka.recap_exported").count() == 2
    assert client.get("/cempaka/recap/export?format=exe").status_code == 404


def test_export_neutralises_formulas(app_ctx, office, make_user, make_submission, client, sign_in):
    evil = make_user(name='=HYPERLINK("http://x")', supervisor=office.boss)
    make_submission(evil, work_date=dt.date(2026, 11, 2), now=dt.datetime(2026, 11, 2, 3))
    sign_in(office.boss)
    text = client.get("/cempaka/recap/export?month=2026-11").get_data(as_text=True)
    assert "'=HYPERLINK" in text


def test_admin_settings_page_saves_and_validates(english, client, office, sign_in):
    sign_in(office.admin)
    page = client.get("/cempaka/settings")
    assert page.status_code == 200
    form = {
        "radius_m": "750",
        "accuracy_max_m": "80",
        "work_start": "08:00",
        "work_end": "16:30",
        "work_end_friday": "17:00",
        "work_days": ["1", "2", "3", "4", "5"],
        "missing_location": "block",
        "retention_days": "30",
        "coarse_decimals": "3",
        "max_file_mb": "5",
        "max_total_mb": "12",
        "max_files": "4",
        "max_backdate_days": "3",
        "geo_timeout_s": "15",
        "tile_url": "https://{s}.tiles.example.go.id/{z}/{x}/{y}.png",
        "tile_attribution": "© Peta Kantor",
    }
    response = client.post_form("/cempaka/settings", form, token_from="/home")
    assert response.status_code == 303
    s = cset.load(fresh=True)
    assert (s.radius_m, s.missing_location, s.work_start, s.max_total_mb) == (
        750,
        "block",
        "08:00",
        12.0,
    )
    assert get_setting("cempaka.retention_days") == 30
    assert AuditEntry.get(AuditEntry.action == "cempaka.settings_changed")
    # the tile server's origin is allowed in the CSP of the map pages only
    sign_in(office.boss)
    csp = client.get("/cempaka/review").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://*.tiles.example.go.id" in csp
    assert "tiles.example.go.id" not in client.get("/home").headers["Content-Security-Policy"]
    # bad values: 422 with messages, nothing changed
    sign_in(office.admin)
    bad = dict(
        form,
        work_start="25:00",
        max_total_mb="2",
        tile_url="http://evil.example/x.png",
        work_days=[],
    )
    response = client.post_form("/cempaka/settings", bad, token_from="/home")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "HH:MM" in body and "smaller than the largest file" in body
    assert "https://" in body and "at least one working day" in body
    assert cset.load(fresh=True).work_start == "08:00"


def test_default_csp_has_no_tile_server(client, office, sign_in):
    sign_in(office.boss)
    csp = client.get("/cempaka/review").headers["Content-Security-Policy"]
    assert "img-src 'self' data: ;" in csp or "img-src 'self' data:;" in csp


def test_admin_adds_and_removes_overrides(client, office, sign_in):
    sign_in(office.admin)
    r = client.post_form(
        "/cempaka/settings/overrides",
        {"ov-kind": "unit", "ov-unit": str(office.unit_a.id), "ov-value": "block"},
        token_from="/home",
    )
    assert r.status_code == 303
    r = client.post_form(
        "/cempaka/settings/overrides",
        {"ov-kind": "user", "ov-nip": office.emp.nip, "ov-value": "flag"},
        token_from="/home",
    )
    assert r.status_code == 303
    assert cset.missing_location_policy(office.emp2) == "block"
    assert cset.missing_location_policy(office.emp) == "flag"
    page = client.get("/cempaka/settings").get_data(as_text=True)
    assert office.unit_a.name in page and office.emp.name in page
    r = client.post_form(
        "/cempaka/settings/overrides/delete",
        {"kind": "unit", "id": str(office.unit_a.id)},
        token_from="/home",
    )
    assert r.status_code == 303
    assert cset.missing_location_policy(office.emp2) == "flag"
    r = client.post_form(
        "/cempaka/settings/overrides",
        {"ov-kind": "user", "ov-nip": "199001012015051999", "ov-value": "flag"},
        token_from="/home",
    )
    # refused on the page itself: the NIP as typed, the message by the field, nothing saved
    assert r.status_code == 422 and len(cset.overrides()) == 1
    page = r.get_data(as_text=True)
    assert 'value="199001012015051999"' in page
    assert 'id="fb-ov-nip">Tidak ada pegawai dengan NIP ini.' in page


def test_retention_sweep_coarsens_old_coordinates_once(app_ctx, office, make_submission):
    old = make_submission(office.emp, now=dt.datetime(2026, 7, 1, 3), work_date=dt.date(2026, 7, 1))
    review.decide(old, office.boss, "revision", "Perbaiki.")
    submissions.resubmit(
        Submission.get_by_id(old.id),
        office.emp,
        title="Revisi",
        description="",
        files=[uploads.check_content("r.pdf", "pdf", pdf_bytes("revisi"))],
        keep_files=False,
        location=location.Location(status="ok", lat=-6.2001234, lon=106.8165678, accuracy_m=9),
        now=dt.datetime(2026, 7, 2, 3),
    )
    recent = make_submission(office.emp)
    now = dt.datetime(2026, 11, 27, 0, 0)
    assert maintenance.coarsen_old_locations(now=now) == 2  # current + kept version of the old one
    s = Submission.get_by_id(old.id)
    assert s.coords_coarse and (s.lat, s.lon) == (-6.2, 106.82)
    assert (s.place_lat, s.place_lon) == (-6.2, 106.82)
    v = SubmissionVersion.get()
    assert v.coords_coarse and v.lat == round(v.lat, 2)
    fresh = Submission.get_by_id(recent.id)
    assert not fresh.coords_coarse and fresh.lat != round(fresh.lat, 2)
    assert maintenance.coarsen_old_locations(now=now) == 0  # idempotent
    entry = AuditEntry.get(AuditEntry.action == "cempaka.coordinates_coarsened")
    assert '"rows":2' in entry.detail
