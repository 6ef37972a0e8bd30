"""Submitting deliverables: the location stamp, flags, files, and refusals that save nothing."""

import datetime as dt
import os

import pytest

from intranet.audit.models import AuditEntry
from intranet.cempaka import location
from intranet.cempaka import settings as cset
from intranet.cempaka.models import (
    FLAG_FAR,
    FLAG_LOW_ACCURACY,
    FLAG_NO_LOCATION,
    FLAG_NO_PLACE,
    FLAG_OUTSIDE_HOURS,
    FLAG_REUSED_COORDS,
    FLAG_REUSED_FILE,
    Submission,
    SubmissionFile,
)

from .conftest import HOME, WORK_DATE, WORK_NOW, geo, jpeg_bytes, pdf_bytes


def _stored_files(app):
    root = app.config["UPLOAD_DIR"]
    found = []
    for dirpath, _dirs, names in os.walk(root):
        found += [os.path.join(dirpath, n) for n in names]
    return found


def test_submit_with_location_stores_it_as_sent(app, office, submit_as):
    response = submit_as(
        office.emp,
        location=geo(lat=-6.200512, lon=106.816934, accuracy=14.5, device_ms=1795824000000),
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    s = Submission.get()
    assert response.headers["Location"].endswith(f"/cempaka/{s.id}")
    assert (s.location_status, s.lat, s.lon, s.accuracy_m) == ("ok", -6.200512, 106.816934, 14.5)
    assert s.device_time == dt.datetime(2026, 11, 28, 0, 0)
    assert s.place_lat == HOME[0] and s.place_lon == HOME[1]
    assert s.distance_m == pytest.approx(
        location.haversine_m(HOME[0], HOME[1], -6.200512, 106.816934)
    )
    assert 50 < s.distance_m < 150
    assert s.status == "pending" and s.version == 1 and s.file_count == 1
    assert not s.flags & (FLAG_NO_LOCATION | FLAG_FAR | FLAG_LOW_ACCURACY | FLAG_NO_PLACE)
    [f] = SubmissionFile.select()
    assert f.original_name == "laporan.pdf" and len(f.sha256) == 64
    assert _stored_files(app) == [
        os.path.realpath(os.path.join(app.config["UPLOAD_DIR"], f.stored_name))
    ]
    entry = AuditEntry.get(AuditEntry.action == "cempaka.submitted")
    assert "-6.2" not in entry.detail and "106.8" not in entry.detail  # never coordinates


def test_denied_location_is_recorded_as_such_without_coordinates(office, submit_as):
    for status in ("denied", "unavailable", "timeout", "unsupported"):
        # A crafted post with coordinates next to a failure status: they are dropped.
        location = {
            "geo_status": status,
            "geo_lat": "-6.2",
            "geo_lon": "106.8",
            "geo_accuracy": "5",
        }
        response = submit_as(office.emp, location=location)
        assert response.status_code == 303
        s = Submission.select().order_by(Submission.id.desc()).first()
        assert s.location_status == status
        assert s.lat is None and s.lon is None and s.accuracy_m is None
        assert s.distance_m is None and s.flags & FLAG_NO_LOCATION


def test_no_location_fields_at_all_is_recorded_as_missing(office, submit_as):
    assert submit_as(office.emp, location={}).status_code == 303
    s = Submission.get()
    assert s.location_status == "missing" and s.lat is None and s.flags & FLAG_NO_LOCATION


def test_malformed_coordinates_are_refused(app, office, submit_as):
    response = submit_as(
        office.emp,
        location={"geo_status": "ok", "geo_lat": "abc", "geo_lon": "106.8", "geo_accuracy": "5"},
    )
    assert response.status_code == 422
    assert Submission.select().count() == 0 and _stored_files(app) == []
    response = submit_as(office.emp, location=geo(lat=95.0))
    assert response.status_code == 422


def test_block_policy_refuses_without_location_and_saves_nothing(app, office, submit_as):
    with app.app_context():
        cset.set_override("unit", office.unit_a.id, "block")
    response = submit_as(office.emp, location={"geo_status": "denied"})
    assert response.status_code == 422
    assert (
        "location is required" in response.get_data(as_text=True).lower()
        or "lokasi" in response.get_data(as_text=True).lower()
    )
    assert Submission.select().count() == 0
    assert SubmissionFile.select().count() == 0
    assert _stored_files(app) == []
    # with a location it goes through
    assert submit_as(office.emp).status_code == 303
    # another unit keeps the office default (flag)
    assert submit_as(office.stranger, location={"geo_status": "denied"}).status_code == 303


def test_missing_location_policy_resolution(app_ctx, office):
    assert cset.missing_location_policy(office.emp) == "flag"
    cset.save({"missing_location": "block"})
    assert cset.missing_location_policy(office.emp) == "block"
    cset.set_override("unit", office.unit_a.id, "flag")
    assert cset.missing_location_policy(office.emp) == "flag"
    assert cset.missing_location_policy(office.stranger) == "block"
    cset.set_override("user", office.emp.id, "block")
    assert cset.missing_location_policy(office.emp) == "block"
    assert cset.missing_location_policy(office.emp2) == "flag"


BAD_UPLOADS = [
    (("laporan.pdf", jpeg_bytes()), "is not a real PDF"),
    (("laporan.pdf", b"just some text, not a PDF"), "is not a real PDF"),
    (("program.exe", b"MZ\x90\x00"), "not accepted"),
    (("../../../etc/cron.d/x.pdf", pdf_bytes()), "is not allowed"),
]


def test_bad_uploads_are_refused_with_a_message_and_nothing_saved(english, app, office, submit_as):
    for attachment, message in BAD_UPLOADS:
        response = submit_as(office.emp, attachments=[("laporan-ok.pdf", pdf_bytes()), attachment])
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
        assert Submission.select().count() == 0
        assert SubmissionFile.select().count() == 0
        assert _stored_files(app) == []


def test_too_big_upload_is_refused_with_a_message(app, office, submit_as):
    with app.app_context():
        cset.save({"max_file_mb": 0.01})
    big = pdf_bytes()[:-6] + b"%" + b"0" * 20000 + b"\n%%EOF\n"
    response = submit_as(office.emp, attachments=[("besar.pdf", big)])
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "besar.pdf" in body and "MB" in body
    assert Submission.select().count() == 0 and _stored_files(app) == []


def test_form_errors_and_required_file(app, office, submit_as):
    response = submit_as(office.emp, title="", attachments=[])
    assert response.status_code == 422
    response = submit_as(office.emp, attachments=[])
    assert response.status_code == 422
    assert Submission.select().count() == 0
    future = dt.date.today() + dt.timedelta(days=3)
    assert submit_as(office.emp, work_date=future).status_code == 422
    assert submit_as(office.emp, work_date=dt.date(2026, 1, 5)).status_code == 422
    assert Submission.select().count() == 0


def test_flags_far_low_accuracy_outside_hours_no_place(app_ctx, office, make_user, make_submission):
    far = location.Location(status="ok", lat=HOME[0] + 0.02, lon=HOME[1], accuracy_m=250.0)
    s = make_submission(office.emp, location=far)
    assert s.flags & FLAG_FAR and s.flags & FLAG_LOW_ACCURACY
    assert 2000 < s.distance_m < 2500
    assert not s.flags & FLAG_OUTSIDE_HOURS  # Monday 10:00 WIB
    evening = dt.datetime(2026, 11, 23, 11, 30)  # 18:30 WIB
    assert make_submission(office.emp, now=evening).flags & FLAG_OUTSIDE_HOURS
    saturday = dt.datetime(2026, 11, 28, 3, 0)
    s = make_submission(office.emp, now=saturday, work_date=dt.date(2026, 11, 27))
    assert s.flags & FLAG_OUTSIDE_HOURS
    friday_1615 = dt.datetime(2026, 11, 27, 9, 15)  # 16:15 WIB, Friday ends 16:30
    assert (
        not make_submission(office.emp, now=friday_1615, work_date=dt.date(2026, 11, 27)).flags
        & FLAG_OUTSIDE_HOURS
    )
    homeless = make_user(name="Tanpa Alamat", supervisor=office.boss)
    s = make_submission(homeless)
    assert s.flags & FLAG_NO_PLACE and s.distance_m is None


def test_flags_reused_coordinates_and_files(app_ctx, office, make_submission):
    spot = location.Location(status="ok", lat=-6.2011, lon=106.8171, accuracy_m=10.0)
    first = make_submission(office.emp, location=spot)
    assert not first.flags & FLAG_REUSED_COORDS
    # same employee, same day, same place: not suspicious
    same_day = make_submission(office.emp, location=spot)
    assert not same_day.flags & FLAG_REUSED_COORDS
    # another day or another employee with identical coordinates
    other_day = make_submission(office.emp, location=spot, work_date=WORK_DATE - dt.timedelta(1))
    assert other_day.flags & FLAG_REUSED_COORDS
    assert make_submission(office.emp2, location=spot).flags & FLAG_REUSED_COORDS
    # the same file again (by anyone)
    data = pdf_bytes("Satu berkas yang sama")
    a = make_submission(office.emp, data=data)
    assert not a.flags & FLAG_REUSED_FILE
    assert make_submission(office.emp2, data=data).flags & FLAG_REUSED_FILE
    # the same photo again: detected although its metadata was removed when stored
    photo = jpeg_bytes()
    assert not make_submission(office.emp, data=photo, name="foto.jpg").flags & FLAG_REUSED_FILE
    assert make_submission(office.emp, data=photo, name="foto.jpg").flags & FLAG_REUSED_FILE


def test_own_pages_list_and_show(client, office, submit_as):
    submit_as(office.emp, title="Rekap antrean paspor")
    page = client.get("/cempaka/mine")
    assert page.status_code == 200
    assert "Rekap antrean paspor" in page.get_data(as_text=True)
    s = Submission.get()
    detail = client.get(f"/cempaka/{s.id}")
    assert detail.status_code == 200
    body = detail.get_data(as_text=True)
    assert "Rekap antrean paspor" in body and "laporan.pdf" in body
    assert f"{s.lat:.6f}" in body
    # own coordinates: no audit entry for looking at them
    assert not AuditEntry.select().where(AuditEntry.action == "cempaka.location_viewed").exists()


def test_the_form_page_explains_the_location(english, client, office, login_as):
    login_as(office.emp)
    response = client.get("/cempaka/new")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "data-geo" in body and 'name="geo_status"' in body
    assert "js/cempaka.js" in body
    assert "direct supervisor" in body


def test_now_is_fixed_for_time_dependent_checks():
    assert location.today_wib(WORK_NOW) == WORK_DATE
