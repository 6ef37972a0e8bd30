"""Compliance and performance figures: renewal before expiry by month and nationality, overstay
counts, processing time per application and officer against the service standard.

Aggregation is done by SQL per day (portable between SQLite and PostgreSQL) and folded into months
here, so a year over a million permits stays one indexed range query.
"""

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass

from peewee import JOIN, SQL, Case, fn

from ..people.models import User
from . import settings
from .dates import as_date, working_days_between
from .models import RENEWAL_KINDS, Application, Foreigner, OverstayCase, Permit


def month_start(day):
    return day.replace(day=1)


def add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_keys(today, months):
    first = add_months(month_start(today), -(months - 1))
    return [add_months(first, i).strftime("%Y-%m") for i in range(months)]


def _renewed_in_time():
    successor = Permit.alias("successor")
    return fn.EXISTS(
        Application.select(SQL("1")).where(
            (Application.permit == Permit.id)
            & Application.kind.in_(RENEWAL_KINDS)
            & (Application.received_on <= Permit.expiry_date)
            & (Application.status != "rejected")
        )
    ) | fn.EXISTS(
        successor.select(SQL("1")).where(
            (successor.foreigner == Permit.foreigner)
            & (successor.id != Permit.id)
            & (successor.issue_date <= Permit.expiry_date)
            & (successor.expiry_date > Permit.expiry_date)
        )
    )


@dataclass
class Compliance:
    months: list  # [{"month", "due", "renewed", "rate"}]
    nationalities: list  # [{"code", "due", "renewed", "rate", "overstays"}]
    overstays_by_month: list  # [{"month", "opened"}]
    total_due: int
    total_renewed: int

    @property
    def rate(self):
        return self.total_renewed / self.total_due if self.total_due else None


def compliance(today, months=12, nationality=None):
    """Permits that reached their expiry (before today) in the last ``months`` months, excluding
    cancelled ones (the foreigner left): how many were renewed before they expired."""
    keys = month_keys(today, months)
    start = dt.date.fromisoformat(keys[0] + "-01")
    end = today - dt.timedelta(days=1)
    renewed = _renewed_in_time()
    query = (
        Permit.select(
            Permit.expiry_date,
            Foreigner.nationality,
            fn.COUNT(Permit.id),
            fn.SUM(Case(None, [(renewed, 1)], 0)),
        )
        .join(Foreigner, on=(Permit.foreigner == Foreigner.id))
        .where(
            Permit.status.in_(["active", "replaced"])
            & (Permit.expiry_date >= start)
            & (Permit.expiry_date <= end)
        )
        .group_by(Permit.expiry_date, Foreigner.nationality)
    )
    if nationality:
        query = query.where(Foreigner.nationality == nationality)
    by_month = {k: [0, 0] for k in keys}
    by_nat = defaultdict(lambda: [0, 0, 0])
    for expiry, nat, due, ok in query.tuples():
        key = as_date(expiry).strftime("%Y-%m")
        ok = int(ok or 0)
        if key in by_month:
            by_month[key][0] += due
            by_month[key][1] += ok
        by_nat[nat][0] += due
        by_nat[nat][1] += ok
    cases = (
        OverstayCase.select(
            OverstayCase.opened_on, Foreigner.nationality, fn.COUNT(OverstayCase.id)
        )
        .join(Foreigner, on=(OverstayCase.foreigner == Foreigner.id))
        .where((OverstayCase.opened_on >= start) & (OverstayCase.opened_on <= today))
        .group_by(OverstayCase.opened_on, Foreigner.nationality)
    )
    if nationality:
        cases = cases.where(Foreigner.nationality == nationality)
    overstays = dict.fromkeys(keys, 0)
    for opened, nat, count in cases.tuples():
        key = as_date(opened).strftime("%Y-%m")
        if key in overstays:
            overstays[key] += count
        by_nat[nat][2] += count
    month_rows = [
        {"month": k, "due": d, "renewed": r, "rate": (r / d if d else None)}
        for k, (d, r) in by_month.items()
    ]
    nat_rows = sorted(
        (
            {"code": code, "due": d, "renewed": r, "rate": (r / d if d else None), "overstays": o}
            for code, (d, r, o) in by_nat.items()
        ),
        key=lambda row: (-row["due"], -row["overstays"], row["code"]),
    )
    return Compliance(
        months=month_rows,
        nationalities=nat_rows,
        overstays_by_month=[{"month": k, "opened": v} for k, v in overstays.items()],
        total_due=sum(r["due"] for r in month_rows),
        total_renewed=sum(r["renewed"] for r in month_rows),
    )


@dataclass
class Processing:
    standard: int
    officers: list  # [{"officer_id", "name", "count", "average", "within", "share"}]
    slowest: list  # applications, slowest first
    count: int
    within: int

    @property
    def share(self):
        return self.within / self.count if self.count else None


def processing_rows(today, months=12):
    """Decided applications in the period: (application, officer name, working days)."""
    start = dt.date.fromisoformat(month_keys(today, months)[0] + "-01")
    query = (
        Application.select(
            Application.id,
            Application.number,
            Application.kind,
            Application.status,
            Application.received_on,
            Application.decided_on,
            Application.officer,
            User.name,
        )
        .join(User, on=(Application.officer == User.id), join_type=JOIN.LEFT_OUTER)
        .where(
            Application.status.in_(["completed", "rejected"])
            & (Application.decided_on >= start)
            & (Application.decided_on <= today)
        )
        .order_by(Application.decided_on, Application.id)
        .tuples()
    )
    holidays = settings.public_holidays()
    for app_id, number, kind, status, received, decided, officer_id, officer_name in query:
        received, decided = as_date(received), as_date(decided)
        yield {
            "id": app_id,
            "number": number,
            "kind": kind,
            "status": status,
            "received_on": received,
            "decided_on": decided,
            "officer_id": officer_id,
            "officer": officer_name or "",
            "days": working_days_between(received, decided, holidays),
        }


def processing(today, months=12, slowest=15):
    standard = settings.service_standard_days()
    per_officer = {}
    rows = []
    count = within = 0
    for row in processing_rows(today, months):
        count += 1
        ok = row["days"] <= standard
        within += ok
        entry = per_officer.setdefault(
            row["officer_id"],
            {
                "officer_id": row["officer_id"],
                "name": row["officer"],
                "count": 0,
                "total": 0,
                "within": 0,
            },
        )
        entry["count"] += 1
        entry["total"] += row["days"]
        entry["within"] += ok
        rows.append(row)
    officers = []
    for entry in per_officer.values():
        entry["average"] = entry["total"] / entry["count"]
        entry["share"] = entry["within"] / entry["count"]
        officers.append(entry)
    officers.sort(key=lambda e: (-e["average"], e["name"]))
    rows.sort(key=lambda r: (-r["days"], r["id"]))
    return Processing(standard, officers, rows[:slowest], count, within)


# ----- export ------------------------------------------------------------------------------------


def compliance_table(report, country_name):
    header = ["month", "due", "renewed_before_expiry", "rate_percent", "overstays_opened"]
    overstays = {r["month"]: r["opened"] for r in report.overstays_by_month}
    rows = [
        [
            r["month"],
            r["due"],
            r["renewed"],
            round(r["rate"] * 100, 1) if r["rate"] is not None else "",
            overstays.get(r["month"], 0),
        ]
        for r in report.months
    ]
    nat_header = [
        "nationality_code",
        "nationality",
        "due",
        "renewed_before_expiry",
        "rate_percent",
        "overstays_opened",
    ]
    nat_rows = [
        [
            r["code"],
            country_name(r["code"]),
            r["due"],
            r["renewed"],
            round(r["rate"] * 100, 1) if r["rate"] is not None else "",
            r["overstays"],
        ]
        for r in report.nationalities
    ]
    return (header, rows), (nat_header, nat_rows)


def processing_table(today, months):
    standard = settings.service_standard_days()
    header = [
        "application",
        "kind",
        "status",
        "officer",
        "received_on",
        "decided_on",
        "working_days",
        "service_standard_days",
        "within_standard",
    ]
    rows = [
        [
            r["number"],
            r["kind"],
            r["status"],
            r["officer"],
            r["received_on"].isoformat(),
            r["decided_on"].isoformat(),
            r["days"],
            standard,
            "yes" if r["days"] <= standard else "no",
        ]
        for r in processing_rows(today, months)
    ]
    return header, rows


def _safe(value):
    """Spreadsheet formula injection: text starting with = + - @ is written as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(sheets):
    """[(title, header, rows)] -> CSV text (sheets one after another, a blank line between)."""
    out = io.StringIO()
    writer = csv.writer(out)
    for i, (title, header, rows) in enumerate(sheets):
        if i:
            writer.writerow([])
        if len(sheets) > 1:
            writer.writerow([f"# {title}"])
        writer.writerow(header)
        writer.writerows([_safe(v) for v in row] for row in rows)
    return out.getvalue()


def to_xlsx(sheets):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        sheet.append(header)
        for row in rows:
            sheet.append([_safe(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
