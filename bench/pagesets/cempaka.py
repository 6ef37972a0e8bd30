"""Si Cempaka's pages over ``size`` WFH deliverables (default 1,000,000) spread over the staff.

The supervisor account's direct reports get a realistic share (about 100 deliverables each, a few
hundred of them pending); the employee account, one of those reports, has 2,000 of its own.
Each deliverable has one file row. Rows go in with the driver's bulk insert (executemany on
SQLite, execute_values on PostgreSQL) in chunks, one transaction per chunk.
"""

import datetime as dt
import hashlib
import random

DEFAULT_SIZE = 1_000_000
CHUNK = 20_000
EMPLOYEE_ROWS = 2_000
PER_REPORT = 100
REPORT_PENDING = 12
EMPLOYEE_PENDING = 60
TITLES = [
    "Laporan verifikasi berkas permohonan paspor",
    "Rekap antrean layanan paspor",
    "Draf SOP pelayanan izin tinggal",
    "Analisis data perlintasan WNA",
    "Notulen rapat koordinasi Timpora",
    "Pemutakhiran data SIMKIM",
    "Laporan tindak lanjut pengaduan masyarakat",
    "Bahan paparan evaluasi WBBM",
]
SUBMISSION_COLUMNS = (
    "employee_id",
    "work_date",
    "title",
    "description",
    "status",
    "version",
    "submitted_at",
    "created_at",
    "file_count",
    "location_status",
    "lat",
    "lon",
    "accuracy_m",
    "device_time",
    "place_lat",
    "place_lon",
    "distance_m",
    "coords_coarse",
    "flags",
    "decided_at",
    "decided_by_id",
    "decision_comment",
)
FILE_COLUMNS = (
    "submission_id",
    "version",
    "original_name",
    "stored_name",
    "kind",
    "content_type",
    "size",
    "sha256",
    "upload_sha256",
    "created_at",
)


def _working_days(end, count):
    days, day = [], end
    while len(days) < count:
        if day.isoweekday() <= 5:
            days.append(day)
        day -= dt.timedelta(days=1)
    return days


def _plan(size, people):
    """[(employee id, count, newest rows still pending)] adding up to ``size``. The supervisor
    has a backlog: the newest deliverables of each report (and more of the employee account's)
    wait for a decision, a few hundred in all."""
    accounts = people.accounts
    special = {accounts["pegawai"].id: (EMPLOYEE_ROWS, EMPLOYEE_PENDING)}
    for report in people.reports:
        special.setdefault(report, (PER_REPORT, REPORT_PENDING))
    budget = max(0, size - sum(count for count, _p in special.values()))
    others = [i for i in people.staff_ids if i not in special]
    plan = [(emp, count, pending) for emp, (count, pending) in special.items()]
    if others and budget:
        each, extra = divmod(budget, len(others))
        plan += [(emp, each + (1 if n < extra else 0), 0) for n, emp in enumerate(others)]
    return plan


def _rows(plan, today, supervisor_of, rng):
    days = _working_days(today - dt.timedelta(days=1), 520)  # about two years
    for employee, count, pending_newest in plan:
        home_lat = -6.16 + rng.uniform(-0.1, 0.1)
        home_lon = 106.84 + rng.uniform(-0.1, 0.1)
        for n in range(count):
            # spread over the two years, newest first; the last fortnight is still pending
            day = days[min(len(days) - 1, n * len(days) // max(count, 1))]
            age = (today - day).days
            submitted = dt.datetime.combine(day, dt.time(2, 0)) + dt.timedelta(
                minutes=rng.randint(0, 420)
            )
            roll = rng.random()
            if age <= 14 or n < pending_newest:
                status = "pending"
            elif roll < 0.93:
                status = "approved"
            elif roll < 0.97:
                status = "revision"
            else:
                status = "rejected"
            flags = 0
            lat = lon = accuracy = distance = device_time = None
            coarse = age > 90  # past the default retention period: reduced coordinates
            if rng.random() < 0.04:
                location = "denied"
                flags |= 1
            else:
                location = "ok"
                far = rng.random() < 0.03
                distance = rng.uniform(800, 5000) if far else rng.uniform(0, 80)
                lat, lon = home_lat + distance / 111_320, home_lon
                if coarse:
                    lat, lon = round(lat, 2), round(lon, 2)
                accuracy = rng.choice((8.0, 15.0, 30.0, 60.0))
                device_time = submitted
                if far:
                    flags |= 4
            if rng.random() < 0.05:
                flags |= 8
            decided = status != "pending"
            yield (
                employee,
                day,
                f"{TITLES[n % len(TITLES)]} #{n}",
                "",
                status,
                1,
                submitted,
                submitted,
                1,
                location,
                lat,
                lon,
                accuracy,
                device_time,
                round(home_lat, 2) if coarse else home_lat,
                round(home_lon, 2) if coarse else home_lon,
                distance,
                coarse,
                flags,
                submitted + dt.timedelta(hours=20) if decided else None,
                supervisor_of.get(employee) if decided else None,
                "Mohon dilengkapi." if status == "revision" else "",
            )


def _insert(db, table, columns, rows):
    sql_cols = ", ".join(f'"{c}"' for c in columns)
    from peewee import SqliteDatabase

    if isinstance(db, SqliteDatabase):
        marks = ", ".join("?" for _ in columns)
        db.cursor().executemany(f'INSERT INTO "{table}" ({sql_cols}) VALUES ({marks})', rows)
    else:
        from psycopg2.extras import execute_values

        execute_values(
            db.cursor(), f'INSERT INTO "{table}" ({sql_cols}) VALUES %s', rows, page_size=5000
        )


def populate(size, people):
    from intranet.cempaka.models import Submission, SubmissionFile
    from intranet.extensions import db
    from intranet.models import utcnow
    from intranet.people.models import User

    rng = random.Random(2026)
    today = (utcnow() + dt.timedelta(hours=7)).date()
    supervisor_of = {
        u.id: u.supervisor_id
        for u in User.select(User.id, User.supervisor).where(User.supervisor.is_null(False))
    }
    database = db.obj
    table = Submission._meta.table_name
    files_table = SubmissionFile._meta.table_name
    pending = []
    last_id = Submission.select(Submission.id).order_by(Submission.id.desc()).scalar() or 0

    def flush():
        nonlocal last_id, pending
        if not pending:
            return
        with database.atomic():
            _insert(database, table, SUBMISSION_COLUMNS, pending)
            first = last_id + 1
            files = []
            for offset, row in enumerate(pending):
                sid = first + offset
                digest = hashlib.sha256(f"{sid}".encode()).hexdigest()
                files.append(
                    (
                        sid,
                        1,
                        "laporan.pdf",
                        f"cempaka/{digest[:2]}/{digest[:32]}",
                        "pdf",
                        "application/pdf",
                        48_000,
                        digest,
                        digest,
                        row[6],
                    )
                )
            _insert(database, files_table, FILE_COLUMNS, files)
        last_id += len(pending)
        pending = []

    for row in _rows(_plan(size, people), today, supervisor_of, rng):
        pending.append(row)
        if len(pending) >= CHUNK:
            flush()
    flush()
    actual = Submission.select(Submission.id).order_by(Submission.id.desc()).scalar()
    if actual != last_id:
        raise RuntimeError("submission ids are not sequential; file rows would be wrong")
    return [
        ("cempaka_review_queue", "/cempaka/review", "atasan"),
        ("cempaka_my_submissions", "/cempaka/mine", "pegawai"),
    ]
