"""Si Cempaka fixtures: an office with two supervisors and their reports, and real files."""

import datetime as dt
import io
import zipfile
from types import SimpleNamespace

import pytest

# Monday 23 November 2026, 10:00 WIB (03:00 UTC): inside working hours.
WORK_NOW = dt.datetime(2026, 11, 23, 3, 0)
WORK_DATE = dt.date(2026, 11, 23)
HOME = (-6.2001, 106.8167)  # a registered WFH place in Jakarta


@pytest.fixture
def office(make_user):
    from intranet.people.models import Unit

    unit_a = Unit.create(code="LANTASKIM", name="Seksi Lalu Lintas Keimigrasian")
    unit_b = Unit.create(code="INTALTUSKIM", name="Seksi Izin Tinggal dan Status Keimigrasian")
    boss = make_user("atasan", name="Siti Rahmawati", email="siti@test.local", unit=unit_a)
    other_boss = make_user("atasan", name="Bambang Wijaya", email="bambang@test.local", unit=unit_b)
    emp = make_user(
        name="Dewi Lestari",
        email="dewi@test.local",
        supervisor=boss,
        unit=unit_a,
        wfh_lat=HOME[0],
        wfh_lon=HOME[1],
        wfh_address="Jl. Kenari 5, Jakarta",
    )
    emp2 = make_user(
        name="Agus Santoso",
        email="agus@test.local",
        supervisor=boss,
        unit=unit_a,
        wfh_lat=-6.25,
        wfh_lon=106.85,
    )
    stranger = make_user(
        name="Rina Kusuma",
        email="rina@test.local",
        supervisor=other_boss,
        unit=unit_b,
        wfh_lat=-6.18,
        wfh_lon=106.83,
    )
    head = make_user("kepala", name="Kepala Kantor", email="kepala@test.local")
    admin = make_user("admin", name="Admin TIK", email="admin@test.local")
    return SimpleNamespace(
        unit_a=unit_a,
        unit_b=unit_b,
        boss=boss,
        other_boss=other_boss,
        emp=emp,
        emp2=emp2,
        stranger=stranger,
        head=head,
        admin=admin,
    )


@pytest.fixture
def english(office):
    """The office's users read the intranet in English (Indonesian is the default)."""
    from intranet.people.models import User

    User.update(language="en").execute()
    for user in vars(office).values():
        if isinstance(user, User):
            user.language = "en"
    return office


# ----- real files ------------------------------------------------------------------------------


def pdf_bytes(text="Laporan kerja"):
    from intranet.cempaka.demo import tiny_pdf

    return tiny_pdf(text)


def _gps_exif():
    from PIL import Image

    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps[1] = "S"
    gps[2] = (6.0, 12.0, 0.36)
    gps[3] = "E"
    gps[4] = (106.0, 49.0, 0.12)
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x0132] = "2026:11:23 10:00:00"
    return exif


def jpeg_bytes(color=(200, 30, 30), size=(64, 48), with_gps=True):
    from PIL import Image

    img = Image.new("RGB", size, color)
    out = io.BytesIO()
    params = {"quality": 90}
    if with_gps:
        params["exif"] = _gps_exif().tobytes()
        params["comment"] = b"taken at home"
    img.save(out, "JPEG", **params)
    return out.getvalue()


def png_bytes(color=(10, 120, 200), with_gps=True):
    from PIL import Image, PngImagePlugin

    img = Image.new("RGB", (40, 30), color)
    out = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret note")
    params = {"pnginfo": info}
    if with_gps:
        params["exif"] = _gps_exif().tobytes()
    img.save(out, "PNG", **params)
    return out.getvalue()


def docx_bytes(text="Notulen rapat", macro=False):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"/>',
        )
        zf.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        zf.writestr(
            "word/document.xml",
            f'<?xml version="1.0"?><w:document><w:body><w:p><w:r><w:t>{text}</w:t>'
            "</w:r></w:p></w:body></w:document>",
        )
        if macro:
            zf.writestr("word/vbaProject.bin", b"\x00" * 64)
    return out.getvalue()


def xlsx_bytes(rows=(("Nama", "Jumlah"), ("Paspor", 12))):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def zip_bytes():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("payload.html", "<html><script>alert(1)</script></html>")
    return out.getvalue()


@pytest.fixture
def files():
    return SimpleNamespace(
        pdf=pdf_bytes,
        jpeg=jpeg_bytes,
        png=png_bytes,
        docx=docx_bytes,
        xlsx=xlsx_bytes,
        zip=zip_bytes,
    )


class Upload:
    """A werkzeug FileStorage-like object for the upload checks."""

    def __init__(self, name, data):
        self.filename = name
        self.stream = io.BytesIO(data)


@pytest.fixture
def upload():
    return Upload


def geo(
    lat=HOME[0] + 0.0004, lon=HOME[1] + 0.0003, accuracy=12.0, status="ok", device_ms=1795824000000
):
    if status != "ok":
        return {"geo_status": status}
    return {
        "geo_status": "ok",
        "geo_lat": str(lat),
        "geo_lon": str(lon),
        "geo_accuracy": str(accuracy),
        "geo_time": str(device_ms),
    }


@pytest.fixture
def sign_in(client, login_as):
    """Sign the test client in as ``user``. The fixtures keep one app context open across
    requests, so Flask-WTF's and Flask-Login's per-context caches (the CSRF token, the signed-in
    user) and ours (settings) are dropped with the old session."""
    from flask import g

    def do(user):
        for name in ("csrf_token", "_login_user", "_cempaka_settings"):
            g.pop(name, None)
        return login_as(user)

    return do


@pytest.fixture
def submit_as(client, sign_in):
    """POST the real submit form (multipart) as a user; returns the response."""

    def do(
        user,
        title="Laporan verifikasi berkas",
        work_date=None,
        attachments=None,
        location=None,
        headers=None,
        **extra,
    ):
        kw = {"headers": headers} if headers else {}
        sign_in(user)
        work_date = work_date or dt.date.today()
        data = {
            "title": title,
            "description": "Dikerjakan dari rumah.",
            "work_date": work_date.isoformat(),
            **(location if location is not None else geo()),
        }
        data.update(extra)
        attachments = attachments if attachments is not None else [("laporan.pdf", pdf_bytes())]
        data["files"] = [(io.BytesIO(content), name) for name, content in attachments]
        return client.post_form(
            "/cempaka/new", data, content_type="multipart/form-data", token_from="/home", **kw
        )

    return do


@pytest.fixture
def make_submission(app_ctx):
    """Create a submission through the service (fixed clock), returning it."""
    from intranet.cempaka import submissions, uploads
    from intranet.cempaka.location import Location

    counter = {"n": 0}

    def do(
        employee,
        *,
        work_date=WORK_DATE,
        now=WORK_NOW,
        location=None,
        data=None,
        title=None,
        name="laporan.pdf",
    ):
        counter["n"] += 1
        loc = location or Location(
            status="ok", lat=HOME[0] + 0.0001 * counter["n"], lon=HOME[1], accuracy_m=10.0
        )
        content = data or pdf_bytes(f"Laporan {employee.id} {counter['n']}")
        checked = [uploads.check_content(name, name.rsplit(".", 1)[1], content)]
        return submissions.submit(
            employee,
            title=title or f"Laporan harian {counter['n']}",
            description="",
            work_date=work_date,
            files=checked,
            location=loc,
            now=now,
        )

    return do
