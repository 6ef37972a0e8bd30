"""The WBBM evidence report: a period's figures arranged by Zona Integritas area, each with its
definition, source and period; as rows for the printable page and as an XLSX workbook (one
sheet per area, the figures as numbers)."""

import io

from flask_babel import gettext as _

from ..anggrek import ikm
from .definitions import AREAS, SERVICE_LABELS, UNITS


def areas(report):
    """[(area key, area label, [Result])] in the order of DESIGN §3a, empty areas left out."""
    out = []
    for key, label in AREAS:
        results = report.by_area(key)
        if results:
            out.append((key, label, results))
    return out


def _safe(value):
    """Spreadsheet formula injection: text starting with = + - @ is written as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def workbook(report, office_name):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    header = [
        _("Figure"), _("Value"), _("Unit of measure"), _("Target"), _("Higher is better"),
        _("Status"), _("Service"), _("Definition"), _("Source"), _("Period from"), _("Period to"),
    ]  # fmt: skip
    scope = report.unit.name if report.unit is not None else _("Whole office")
    for _key, label, results in areas(report):
        sheet = book.create_sheet(title=str(label)[:31])
        sheet.append([_safe(f"{office_name} · {label}")])
        sheet.append([_safe(f"{report.period.label} · {scope}")])
        sheet.append([])
        sheet.append(header)
        for cell in sheet[4]:
            cell.font = Font(bold=True)
        for r in results:
            sheet.append(
                [
                    str(r.figure.label),
                    r.value,  # a number (or empty when there was nothing to measure)
                    str(UNITS.get(r.figure.unit, "")),
                    r.target,
                    _("yes") if r.figure.higher_is_better else _("no"),
                    str(r.status_label),
                    str(SERVICE_LABELS[r.figure.service]),
                    str(r.figure.definition),
                    str(r.figure.source),
                    report.period.first,
                    report.period.last,
                ]
            )
        for column, width in zip(
            "ABCDEFGHIJK", (34, 12, 14, 10, 10, 16, 26, 70, 50, 12, 12), strict=True
        ):
            sheet.column_dimensions[column].width = width
        for row in sheet.iter_rows(min_row=5, min_col=10, max_col=11):
            for cell in row:
                cell.number_format = "yyyy-mm-dd"
    if report.ikm_units or report.ikm_officers:
        sheet = book.create_sheet(title=str(_("Satisfaction index"))[:31])
        sheet.append([_safe(f"{office_name} · {_('Satisfaction index by unit and officer')}")])
        sheet.append([_safe(f"{report.period.label} · {scope}")])
        sheet.append([])
        sheet.append([_("Unit or officer"), _("Kind"), _("Answers"), "IKM", _("Grade")]
                     + [str(e[1]) for e in ikm.ELEMENTS])  # fmt: skip
        for cell in sheet[4]:
            cell.font = Font(bold=True)
        for kind, rows in ((_("unit"), report.ikm_units), (_("officer"), report.ikm_officers)):
            for name, score in rows:
                sheet.append(
                    [_safe(name), kind, score.responses, float(score.value), score.grade]
                    + [float(m) for m in score.element_means]
                )
        sheet.column_dimensions["A"].width = 34
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
