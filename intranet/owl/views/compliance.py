"""The compliance report: renewals before expiry, overstays, processing times, and their export
(CSV or Excel), for the registry, Inteldakim and the head of office."""

from flask import abort, make_response, request
from flask_babel import gettext as _

from ...audit.services import record
from ...core.args import int_arg, text_arg
from ...core.responses import render
from ...policy import roles
from .. import labels, reports
from ..dates import wib_today
from .blueprint import REPORT_READ, bp


def _report_args():
    months = int_arg("months", 12)
    months = months if months in (6, 12, 24) else 12
    nationality = text_arg("nationality", 2).upper()
    return months, nationality


@bp.get("/compliance")
@roles(*REPORT_READ)
def compliance():
    today = wib_today()
    months, nationality = _report_args()
    report = reports.compliance(today, months, nationality or None)
    perf = reports.processing(today, months)
    top = report.nationalities[:10]
    chart = {
        "labels": {
            "rate": _("Renewed before expiry (%)"),
            "overstays": _("Overstay cases opened"),
            "average": _("Average working days"),
            "standard": _("Service standard"),
        },
        "months": [r["month"] for r in report.months],
        "rate": [
            round(r["rate"] * 100, 1) if r["rate"] is not None else None for r in report.months
        ],
        "overstays": [r["opened"] for r in report.overstays_by_month],
        "nationalities": [labels.country_name(r["code"]) for r in top],
        "nationality_rate": [
            round(r["rate"] * 100, 1) if r["rate"] is not None else None for r in top
        ],
        "officers": [o["name"] or _("Unassigned") for o in perf.officers],
        "officer_average": [round(o["average"], 2) for o in perf.officers],
        "standard": perf.standard,
    }
    return render(
        "owl/compliance.html",
        report=report,
        perf=perf,
        months=months,
        nationality=nationality,
        chart=chart,
        countries=labels.country_choices(),
        today=today,
    )


@bp.get("/compliance/export")
@roles(*REPORT_READ)
def export_compliance():
    today = wib_today()
    months, nationality = _report_args()
    fmt = request.args.get("format", "csv")
    dataset = request.args.get("dataset", "compliance")
    if fmt not in ("csv", "xlsx") or dataset not in ("compliance", "processing"):
        abort(404)
    if dataset == "compliance":
        report = reports.compliance(today, months, nationality or None)
        (h1, r1), (h2, r2) = reports.compliance_table(
            report, lambda c: labels.country_name(c, "en")
        )
        sheets = [("By month", h1, r1), ("By nationality", h2, r2)]
    else:
        header, rows = reports.processing_table(today, months)
        sheets = [("Processing time", header, rows)]
    name = f"si-owl-{dataset}-{today.isoformat()}"
    record(
        "owl.report.exported",
        object_type="Report",
        detail={"dataset": dataset, "format": fmt, "months": months},
    )
    if fmt == "csv":
        response = make_response(reports.to_csv(sheets))
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
    else:
        response = make_response(reports.to_xlsx(sheets))
        response.headers["Content-Type"] = (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
