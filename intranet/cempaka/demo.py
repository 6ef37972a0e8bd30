"""Demo data for Si Cempaka: about six weeks of WFH deliverables of the demo staff, with real
(small) PDF files, locations near each employee's registered place, a few plausibility flags, and
decisions by their supervisors."""

import datetime as dt
import hashlib
import math
import random

from ..audit.services import record
from ..extensions import transaction
from ..models import utcnow
from ..people.models import User
from . import settings as cset
from . import uploads
from .location import Location, today_wib
from .models import (
    APPROVED,
    LOC_DENIED,
    LOC_OK,
    LOC_TIMEOUT,
    PENDING,
    REJECTED,
    REVISION,
    Review,
    Submission,
    SubmissionFile,
)
from .submissions import compute_flags, file_rows, location_fields

TITLES = [
    "Laporan verifikasi berkas permohonan paspor",
    "Rekap antrean layanan paspor minggu ini",
    "Draf SOP pelayanan izin tinggal terbatas",
    "Analisis data perlintasan WNA bulan berjalan",
    "Notulen rapat koordinasi Timpora",
    "Pemutakhiran data SIMKIM unit kerja",
    "Laporan pemantauan media sosial layanan",
    "Konsep surat balasan permohonan ITAS",
    "Rekapitulasi survei kepuasan masyarakat (SKM)",
    "Bahan paparan evaluasi WBBM",
    "Daftar periksa kelengkapan berkas ITAP",
    "Laporan tindak lanjut pengaduan masyarakat",
    "Kajian beban kerja petugas loket",
    "Draf pengumuman jadwal layanan akhir pekan",
    "Inventarisasi arsip permohonan tahun lalu",
    "Rekap pengawasan orang asing di wilayah kerja",
]
DETAILS = [
    "Dikerjakan dari rumah sesuai penugasan atasan.",
    "Data diambil dari aplikasi per tanggal kerja.",
    "Mohon arahan untuk bagian kesimpulan.",
    "Sudah dikoordinasikan dengan seksi terkait.",
    "",
]
COMMENTS_REVISION = [
    "Mohon lengkapi lampiran data pendukung.",
    "Tabel rekap belum sesuai format, mohon diperbaiki.",
    "Tambahkan ringkasan di halaman pertama.",
]
COMMENTS_REJECT = ["Bukan keluaran untuk tanggal kerja tersebut.", "Berkas tidak dapat dibuka."]


def tiny_pdf(text):
    """A small, valid one-page PDF showing ``text`` (ASCII)."""
    safe = "".join(ch if 32 <= ord(ch) < 127 and ch not in "()\\" else " " for ch in text)
    stream = f"BT /F1 12 Tf 56 780 Td ({safe[:90]}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R"
        b" >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _offset(lat, lon, metres, rng):
    angle = rng.uniform(0, 2 * math.pi)
    dlat = metres * math.cos(angle) / 111_320
    dlon = metres * math.sin(angle) / (111_320 * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon


def _working_days(end, count):
    days, day = [], end
    while len(days) < count:
        if day.isoweekday() <= 5:
            days.append(day)
        day -= dt.timedelta(days=1)
    return days


def load(fake, accounts, weeks=6, seed=2026):
    rng = random.Random(seed)
    now = utcnow()
    today = today_wib(now)
    staff = list(
        User.select()
        .where(User.supervisor.is_null(False) & (User.wfh_lat.is_null(False)))
        .order_by(User.id)
    )
    supervisors = {
        u.id: u for u in User.select().where(User.id.in_({s.supervisor_id for s in staff}))
    }
    days = _working_days(today - dt.timedelta(days=1), weeks * 5)
    settings = cset.load(fresh=True)
    created = 0
    with transaction():
        for employee in staff:
            wfh_days = [d for d in days if rng.random() < 0.3]
            if employee.id == accounts["pegawai"].id:
                wfh_days = days[:12]
            for work_date in wfh_days:
                created += _one(
                    employee,
                    supervisors.get(employee.supervisor_id),
                    work_date,
                    today,
                    rng,
                    settings,
                )
        record("cempaka.demo_loaded", object_type="Submission", detail={"submissions": created})
    return created


def _one(employee, supervisor, work_date, today, rng, settings):
    local_hour = rng.choice([8, 9, 10, 11, 13, 14, 15] * 6 + [17, 19])
    local = dt.datetime.combine(work_date, dt.time(local_hour, rng.randint(0, 59)))
    submitted_at = local - dt.timedelta(hours=7)  # WIB -> UTC
    roll = rng.random()
    if roll < 0.04:
        location = Location(status=rng.choice([LOC_DENIED, LOC_TIMEOUT]))
    else:
        far = roll > 0.96
        metres = rng.uniform(800, 6000) if far else rng.uniform(0, 60)
        lat, lon = _offset(employee.wfh_lat, employee.wfh_lon, metres, rng)
        accuracy = rng.choice([8, 12, 15, 20, 35, 50, 65]) if rng.random() > 0.05 else 240.0
        location = Location(
            status=LOC_OK,
            lat=round(lat, 7),
            lon=round(lon, 7),
            accuracy_m=float(accuracy),
            device_time=submitted_at - dt.timedelta(seconds=rng.randint(0, 20)),
        )
    title = rng.choice(TITLES)
    pdf = tiny_pdf(f"{title} - {employee.name} - {work_date.isoformat()}")
    digest = hashlib.sha256(pdf).hexdigest()
    checked = uploads.CheckedFile(
        original_name=f"{title.lower().replace(' ', '-')[:60]}.pdf",
        kind="pdf",
        content_type=uploads.CONTENT_TYPES["pdf"],
        data=pdf,
        upload_sha256=digest,
        sha256=digest,
    )
    flags, distance, place = compute_flags(
        employee, location, work_date, submitted_at, [checked], settings
    )
    age = (today - work_date).days
    if age <= 2:
        status = PENDING
    else:
        r = rng.random()
        status = (
            APPROVED if r < 0.82 else REVISION if r < 0.9 else REJECTED if r < 0.93 else PENDING
        )
    [stored] = uploads.store([checked])
    decided_at = (
        submitted_at + dt.timedelta(hours=rng.randint(2, 40)) if status != PENDING else None
    )
    comment = ""
    if status == REVISION:
        comment = rng.choice(COMMENTS_REVISION)
    elif status == REJECTED:
        comment = rng.choice(COMMENTS_REJECT)
    submission = Submission.create(
        employee=employee.id,
        work_date=work_date,
        title=title,
        description=rng.choice(DETAILS),
        status=status,
        version=1,
        submitted_at=submitted_at,
        created_at=submitted_at,
        file_count=1,
        decided_at=decided_at,
        decided_by=supervisor.id if decided_at and supervisor else None,
        decision_comment=comment,
        **location_fields(location, place, distance, flags),
    )
    SubmissionFile.insert_many(
        file_rows(submission.id, 1, [checked], [stored], submitted_at)
    ).execute()
    if decided_at and supervisor:
        Review.create(
            submission=submission.id,
            version=1,
            reviewer=supervisor.id,
            decision=status,
            comment=comment,
            decided_at=decided_at,
        )
    return 1
