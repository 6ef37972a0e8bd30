"""Si Jali's visitor log (/jali/visits, today's page) over ``size`` visits.

The visits are spread over the past days at ~800 a working day (an office the size of Jakarta
Pusat), today included, so the page measured is the log reception really opens: today's visitors,
newest first, 50 a page, with the day's counts per category.
"""

import datetime as dt
import io
import random

PER_DAY = 800
CHUNK = 1000  # rows per INSERT statement
TX_ROWS = 50_000  # rows per transaction

PURPOSES = {
    "wni": ["Permohonan paspor baru", "Pengambilan paspor", "Konsultasi dan informasi"],
    "wna": ["Perpanjangan izin tinggal", "Alih status izin tinggal", "Pengambilan dokumen"],
    "official": ["Rapat/koordinasi", "Kunjungan kerja"],
}


def _chunks(rows, size):
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _copy_text(value):
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def insert_rows(table, columns, rows):
    """Bulk insert through the DB-API: peewee's insert_many spends ~95 % of its time building
    SQL for a million rows, while the database needs a few seconds (COPY on PostgreSQL,
    executemany on SQLite). Values are plain (dates as ISO text), and every NOT NULL column is
    given since model defaults do not apply here."""
    from intranet.extensions import db, is_postgres

    names = ", ".join(f'"{c}"' for c in columns)
    cursor = db.cursor()
    if is_postgres():
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(_copy_text(v) for v in row) + "\n")
        buffer.seek(0)
        cursor.copy_expert(f'COPY "{table}" ({names}) FROM STDIN', buffer)
    else:
        marks = ", ".join("?" for _ in columns)
        cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)


def populate(size, people):
    from intranet.extensions import transaction
    from intranet.jali.models import Visit, VisitCounter, Visitor
    from intranet.jali.services import wib_to_utc, wib_today
    from intranet.models import utcnow

    rng = random.Random(7)
    now = utcnow()
    stamp = now.isoformat(" ")
    today = wib_today(now)
    hosts = people.staff_ids[:200] or [people.accounts["atasan"].id]
    desk = people.accounts["resepsionis"].id

    # Visitors: about one for every four visits (many come back).
    n_visitors = max(3, size // 4)
    kinds = []
    visitors = []
    for i in range(n_visitors):
        kind = ("wni", "wni", "wni", "wna", "official")[i % 5]
        kinds.append(kind)
        id_type, id_number, nationality = {
            "wni": ("nik", f"3171{i:012d}", "ID"),
            "wna": ("passport", f"B{i:09d}", rng.choice(("JP", "CN", "AU", "US", "KR"))),
            "official": ("other", None, ""),
        }[kind]
        visitors.append(
            (id_type, id_number, nationality, f"Pengunjung {i}", "", "", 4, stamp, stamp)
        )
    visitor_columns = [
        "id_type",
        "id_number",
        "nationality",
        "name",
        "institution",
        "phone",
        "visit_count",
        "first_seen_at",
        "last_seen_at",
    ]
    for batch in _chunks(visitors, TX_ROWS):
        with transaction():
            insert_rows(Visitor._meta.table_name, visitor_columns, batch)
    first_id = Visitor.select(Visitor.id).order_by(Visitor.id).first().id

    visit_columns = [
        "visit_date",
        "number",
        "category",
        "visitor_id",
        "name",
        "institution",
        "phone",
        "purpose",
        "host_id",
        "registered_by_id",
        "checked_in_at",
        "checked_out_at",
        "checkout_method",
        "checked_out_by_id",
        "permit_state",
        "permit_type",
        "permit_number",
        "days_overstayed",
        "extension_in_process",
    ]
    days = -(-size // PER_DAY)
    made = 0
    rows = []
    counters = []

    def flush():
        with transaction():
            insert_rows(Visit._meta.table_name, visit_columns, rows)
        rows.clear()

    for back in range(days - 1, -1, -1):
        day = today - dt.timedelta(days=back)
        day_text = day.isoformat()
        count = min(PER_DAY, size - made)
        opening = wib_to_utc(day, 7, 30)
        closing = wib_to_utc(day, 17, 0).isoformat(" ")
        for number in range(1, count + 1):
            index = rng.randrange(n_visitors)
            category = kinds[index]
            checked_in = opening + dt.timedelta(seconds=number * 8 * 3600 // PER_DAY)
            out = (checked_in + dt.timedelta(minutes=rng.randint(10, 150))).isoformat(" ")
            method = "desk"
            if back == 0 and number > count - 30:
                out, method = None, ""  # still inside
            elif rng.random() < 0.03:
                out, method = closing, "sweep"
            rows.append(
                (
                    day_text,
                    number,
                    category,
                    first_id + index,
                    f"Pengunjung {index}",
                    "Instansi Mitra" if category == "official" else "",
                    "",
                    rng.choice(PURPOSES[category]),
                    rng.choice(hosts) if category == "official" else None,
                    desk,
                    checked_in.isoformat(" "),
                    out,
                    method,
                    desk if method == "desk" else None,
                    "valid" if category == "wna" else "",
                    "",
                    "",
                    0,
                    False,
                )
            )
        made += count
        counters.append((day_text, count))
        if len(rows) >= TX_ROWS:
            flush()
    if rows:
        flush()
    with transaction():
        insert_rows(VisitCounter._meta.table_name, ["day", "last"], counters)
    return [("jali_visitor_log", "/jali/visits", "resepsionis")]
