"""Visitor figures: visits per day and category, time inside, purposes; exports.

Every query is bounded by ``visit_date`` (indexed with the category), so the figures cost the same
with a thousand visits or a million.
"""

import contextlib
import csv
import datetime as dt
import io

from peewee import fn

from ..core.filters import to_wib
from ..extensions import db
from .models import CATEGORIES, OUT_SWEEP, Visit

MAX_RANGE_DAYS = 366


def clamp_range(start, end, today):
    """A sane (start, end) inclusive range: end not after today, at most MAX_RANGE_DAYS long."""
    end = min(end or today, today)
    start = start or end - dt.timedelta(days=29)
    if start > end:
        start, end = end, start
    if (end - start).days >= MAX_RANGE_DAYS:
        start = end - dt.timedelta(days=MAX_RANGE_DAYS - 1)
    return start, end


def _in_range(start, end):
    return (Visit.visit_date >= start) & (Visit.visit_date <= end)


def daily_counts(start, end):
    """[(date, {category: n, ..., "total": n})] for every day of the range, oldest first."""
    counts = {}
    query = (
        Visit.select(Visit.visit_date, Visit.category, fn.COUNT(Visit.id).alias("n"))
        .where(_in_range(start, end))
        .group_by(Visit.visit_date, Visit.category)
        .tuples()
    )
    for day, category, n in query:
        if isinstance(day, str):  # SQLite hands back ISO text for aggregates
            day = dt.date.fromisoformat(day)
        counts.setdefault(day, {})[category] = n
    rows = []
    day = start
    while day <= end:
        row = {c: counts.get(day, {}).get(c, 0) for c in CATEGORIES}
        row["total"] = sum(row.values())
        rows.append((day, row))
        day += dt.timedelta(days=1)
    return rows


def totals(rows):
    total = {c: 0 for c in (*CATEGORIES, "total")}
    for _day, row in rows:
        for key, value in row.items():
            total[key] += value
    return total


def time_inside(start, end):
    """{category: (checked-out visits, average minutes inside, swept visits)}.

    Swept visits are counted apart: nobody saw them leave, so their time inside is unknown and
    would distort the average."""
    result = {c: [0, 0.0, 0] for c in CATEGORIES}
    query = (
        Visit.select(
            Visit.category, Visit.checked_in_at, Visit.checked_out_at, Visit.checkout_method
        )
        .where(_in_range(start, end), Visit.checked_out_at.is_null(False))
        .tuples()
    )
    for category, inside, out, method in query:
        entry = result.setdefault(category, [0, 0.0, 0])
        if method == OUT_SWEEP:
            entry[2] += 1
            continue
        entry[0] += 1
        entry[1] += max(0.0, (out - inside).total_seconds() / 60)
    return {
        c: (n, (minutes / n) if n else None, swept) for c, (n, minutes, swept) in result.items()
    }


def purpose_counts(start, end):
    """[(category, purpose, n)] most frequent first within each category."""
    query = (
        Visit.select(Visit.category, Visit.purpose, fn.COUNT(Visit.id).alias("n"))
        .where(_in_range(start, end))
        .group_by(Visit.category, Visit.purpose)
        .tuples()
    )
    order = {c: i for i, c in enumerate(CATEGORIES)}
    return sorted(query, key=lambda r: (order.get(r[0], 9), -r[2], r[1]))


def chart_data(rows, labels):
    """The data island of the 30-day chart (read by static/js/jali.js)."""
    return {
        "labels": [day.isoformat() for day, _row in rows],
        "datasets": [
            {"key": c, "label": str(labels[c]), "data": [row[c] for _day, row in rows]}
            for c in CATEGORIES
        ],
    }


# ----- exports ----------------------------------------------------------------------------------

EXPORT_BATCH = 2000


@contextlib.contextmanager
def _connection():
    """A connection for one batch: the request's own when it is still open, else one opened and
    closed here. A streamed export runs after the request has closed its connection, and holds
    none across a ``yield``."""
    opened = db.is_closed()
    if opened:
        db.connect()
    try:
        yield
    finally:
        if opened and not db.is_closed():
            db.close()


def export_rows(start, end):
    """Visit rows of the range for CSV/XLSX, oldest first, read in batches by id.

    Identity numbers and phone numbers are left out: the export is for counting and planning,
    not a copy of the visitor register."""
    last_id = 0
    while True:
        with _connection():
            batch = list(
                Visit.select(
                    Visit.id,
                    Visit.visit_date,
                    Visit.number,
                    Visit.category,
                    Visit.name,
                    Visit.institution,
                    Visit.purpose,
                    Visit.host,
                    Visit.host_unit,
                    Visit.checked_in_at,
                    Visit.checked_out_at,
                    Visit.checkout_method,
                    Visit.permit_state,
                )
                .where(_in_range(start, end), Visit.id > last_id)
                .order_by(Visit.id)
                .limit(EXPORT_BATCH)
            )
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


def format_row(visit, category_labels, hosts, units):
    inside = to_wib(visit.checked_in_at)
    out = to_wib(visit.checked_out_at) if visit.checked_out_at else None
    minutes = ""
    if out is not None and visit.checkout_method != OUT_SWEEP:
        minutes = int((visit.checked_out_at - visit.checked_in_at).total_seconds() // 60)
    return [
        visit.visit_date.isoformat(),
        visit.display_number,
        str(category_labels.get(visit.category, visit.category)),
        visit.name,
        visit.institution,
        visit.purpose,
        hosts.get(visit.host_id, ""),
        units.get(visit.host_unit_id, ""),
        inside.strftime("%H:%M"),
        out.strftime("%H:%M") if out else "",
        minutes,
        visit.checkout_method,
    ]


def stream_csv(header, rows):
    """The CSV as a streamed response body (``rows`` reads its batches with ``_connection``)."""
    yield from write_csv(header, rows)


def write_csv(header, rows):
    """Yields CSV text chunks (streamed response)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield "\ufeff" + _drain(buffer)  # BOM: Excel opens UTF-8 names correctly
    for i, row in enumerate(rows, 1):
        writer.writerow([_safe_cell(v) for v in row])
        if i % 500 == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer):
    value = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return value


def _safe_cell(value):
    """Spreadsheet formula injection: a cell starting with = + - @ is written as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_xlsx(header, rows, title):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append([_safe_cell(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
