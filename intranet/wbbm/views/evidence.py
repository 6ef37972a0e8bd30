"""The WBBM evidence report of a period: a printable page (A4) and its XLSX twin."""

from flask import current_app, make_response

from ...anggrek import ikm
from ...audit.services import record
from ...core.actor import actor
from ...core.responses import render
from ...policy import roles
from .. import evidence as evidence_report
from .. import figures, presenters, settings
from .blueprint import READERS, WHOLE_OFFICE, NoUnit, bp, no_unit_page, report_args
from .dashboard import _units, period_links


@bp.get("/evidence")
@roles(*READERS)
def evidence():
    user = actor()
    try:
        period, unit, today, notes = report_args(user)
    except NoUnit:
        return no_unit_page()
    report = figures.build(period, unit, today=today, with_trend=False)
    whole_office = user.has_role(*WHOLE_OFFICE)
    return render(
        "wbbm/evidence.html",
        report=report,
        areas=evidence_report.areas(report),
        notes=notes,
        units=settings.cached("units", _units) if whole_office else [],
        whole_office=whole_office,
        links=period_links("wbbm.evidence", period, unit, today),
        show=presenters,
        ikm_elements=ikm.ELEMENTS,
    )


@bp.get("/evidence.xlsx")
@roles(*READERS)
def evidence_xlsx():
    user = actor()
    try:
        period, unit, today, notes = report_args(user)
    except NoUnit:
        return no_unit_page()
    del notes  # the file is the period asked for, or its default
    report = figures.build(period, unit, today=today, with_trend=False)
    body = evidence_report.workbook(report, current_app.config.get("OFFICE_NAME", ""))
    record(
        "wbbm.evidence.exported",
        object_type="Report",
        detail={
            "period": period.kind,
            "from": period.first.isoformat(),
            "to": period.last.isoformat(),
            "unit": unit.id if unit is not None else None,
        },
    )
    response = make_response(body)
    response.headers["Content-Type"] = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"wbbm-{period.kind}-{period.first.isoformat()}"
    if unit is not None:
        name += f"-unit{unit.id}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
