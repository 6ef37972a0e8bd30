"""The monthly recap of WFH days: the page (everyone, the direct reports, or one's own, as the
reader's roles allow) and its CSV / XLSX export (audited)."""

import csv
import datetime as dt
import io

from flask import Response, abort, flash, request
from flask_babel import gettext as _

from ...audit.services import record
from ...core.actor import actor
from ...core.args import int_arg, month_arg, page_arg
from ...core.responses import render
from ...extensions import transaction
from ...people.models import Unit, User
from ...policy import roles
from .. import location
from .. import recap as recaps
from .. import settings as cset
from .blueprint import bp


def _recap_scope(me):
    """(scope, employees subquery or None for all, unit) for the recap request."""
    wanted = request.args.get("scope") or ""
    unit = None
    if me.has_role("kepala", "admin"):
        scopes = ("all", "reports", "me")
        default = "all"
    elif me.has_role("atasan") or me.has_direct_reports:
        scopes = ("reports", "me")
        default = "reports"
    else:
        scopes = ("me",)
        default = "me"
    scope = wanted if wanted in scopes else default
    if scope == "me":
        employees = User.select(User.id).where(User.id == me.id)
    elif scope == "reports":
        employees = User.select(User.id).where(User.supervisor == me.id)
    else:
        unit_id = int_arg("unit", 0)
        unit = Unit.get_or_none(Unit.id == unit_id) if unit_id else None
        employees = User.select(User.id).where(User.unit == unit.id) if unit else None
    return scope, scopes, employees, unit


def _recap_month():
    return month_arg("month") or location.today_wib().replace(day=1)


RECAP_PAGE = 50


def _up_to_this_month(month, notify=False):
    """A month still to come has nothing to count: this month is shown instead (with a message
    on the page when ``notify``). The one place the recap's month is kept from the future."""
    current = location.today_wib().replace(day=1)
    if month <= current:
        return month
    if notify:
        flash(_("The recap covers months up to this one; this month is shown."), "warning")
    return current


@bp.get("/recap")
@roles("pegawai", "atasan", "kepala", "admin")
def recap():
    me = actor()
    month = _up_to_this_month(_recap_month(), notify=True)
    scope, scopes, employees, unit = _recap_scope(me)
    rows = recaps.recap(month, employees)
    page = page_arg(max=10_000)
    pages = max(1, -(-len(rows) // RECAP_PAGE))
    page = min(page, pages)
    totals = {
        key: sum(getattr(r, key) for r in rows)
        for key in (
            "approved_days",
            "pending_days",
            "revision_days",
            "rejected_days",
            "submissions",
        )
    }
    units = list(Unit.select().order_by(Unit.name)) if "all" in scopes else []
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    return render(
        "cempaka/recap.html",
        rows=rows[(page - 1) * RECAP_PAGE : page * RECAP_PAGE],
        total_rows=len(rows),
        totals=totals,
        page=page,
        pages=pages,
        month=month,
        prev_month=(month - dt.timedelta(days=1)).replace(day=1),
        next_month=next_month if next_month <= location.today_wib() else None,
        this_month=location.today_wib().strftime("%Y-%m"),
        scope=scope,
        scopes=scopes,
        unit=unit,
        units=units,
        working_days=recaps.working_days(month, cset.load()),
    )


def _safe_cell(value):
    """Spreadsheet formula injection: text starting like a formula is written as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@bp.get("/recap/export")
@roles("pegawai", "atasan", "kepala", "admin")
def export_recap():
    me = actor()
    month = _up_to_this_month(_recap_month())
    scope, _scopes, employees, unit = _recap_scope(me)
    fmt = request.args.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        abort(404)
    rows = recaps.recap(month, employees)
    header = [
        _("Name"),
        "NIP",
        _("Unit"),
        _("Days approved"),
        _("Days pending"),
        _("Days in revision"),
        _("Days rejected"),
        _("Deliverables"),
    ]
    data = [
        [
            r.name,
            r.nip,
            r.unit,
            r.approved_days,
            r.pending_days,
            r.revision_days,
            r.rejected_days,
            r.submissions,
        ]
        for r in rows
    ]
    with transaction():
        record(
            "cempaka.recap_exported",
            object_type="Recap",
            object_id=month.strftime("%Y-%m"),
            actor=me,
            detail={
                "scope": scope,
                "unit": unit.code if unit else None,
                "format": fmt,
                "rows": len(rows),
            },
        )
    filename = f"rekap-wfh-{month:%Y-%m}-{scope}.{fmt}"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(header)
        for line in data:
            writer.writerow([_safe_cell(v) for v in line])
        body = "\ufeff" + buf.getvalue()  # BOM: Excel opens UTF-8 names correctly
        response = Response(body, mimetype="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(month.strftime("%Y-%m"))
        ws.append(header)
        for line in data:
            ws.append([_safe_cell(v) for v in line])
        out = io.BytesIO()
        wb.save(out)
        response = Response(
            out.getvalue(),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
