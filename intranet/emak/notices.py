"""The pay notice e-mail: what its template is given (``notice_context``), in which language,
the link to the notice's page in the intranet, and the e-mail rendered as the outbox will
render it (finance's preview, before or after sending)."""

from flask import current_app, has_request_context

from ..core.links import external_url
from ..people.models import User
from . import components as comp
from .models import PayNotice
from .outbox import NOTICE_TEMPLATE
from .queries import employee_lines

_MARKER = 918273645  # an id no notice has, replaced in the URL built for it


def _slip_urls():
    """The notice's page in the intranet, absolute (for the e-mail), as a function of the
    notice's id; it gives "" when the intranet's address is not known (no request, no
    SERVER_NAME_FOR_LINKS). For many notices at once (a pay run) the URL is built once, for a
    marker id, and each notice's id put in its place."""
    if not current_app.config.get("SERVER_NAME_FOR_LINKS") and not has_request_context():
        return lambda notice_id: ""
    url = external_url("emak.show_notice", notice_id=_MARKER)
    head, _marker, tail = url.partition(str(_MARKER))
    return lambda notice_id: f"{head}{int(notice_id)}{tail}"


def _slip_url(notice_id):
    """One notice's page, absolute; "" when the intranet's address is not known."""
    return _slip_urls()(notice_id)


def notice_context(run, notice, employee, lines, slip_url=_slip_url):
    """What the e-mail template needs, JSON-serialisable (the outbox renders it at send time).

    The amounts sit under ``secret_pay``: the outbox never shows ``secret_`` keys to admins and
    wipes them once the message is sent."""
    return {
        "run_id": run.id,
        "notice_id": notice.id,
        "kind": run.kind,
        "kind_label": run.kind_label,
        "period": run.period.isoformat(),
        "pay_date": run.pay_date.isoformat(),
        "corrects_period": run.corrects.period.isoformat() if run.corrects_id else None,
        "is_correction": bool(run.corrects_id),
        "note": run.note,
        "name": employee.name,
        "nip": employee.display_nip,
        "secret_pay": {
            "lines": [
                {
                    "component": line.component,
                    "deduction": comp.BY_CODE[line.component].is_deduction,
                    "amount": line.amount,
                }
                for line in lines
            ],
            "earnings": notice.earnings,
            "deductions": notice.deductions,
            "net": notice.net,
        },
        "url": slip_url(notice.id) if notice.id else "",  # a draft's notice has no page yet
    }


def notice_language(employee):
    return employee.language if employee.language in ("id", "en") else "id"


def render_notice(context, language):
    """(subject, text, html) of a notice exactly as the outbox renders it at send time."""
    from ..notify.rendering import render_email

    return render_email(NOTICE_TEMPLATE, context, language)


def preview_context(run, employee_id):
    """The rendered e-mail's context and language for one employee, before or after sending."""
    employee = User.get_or_none(User.id == employee_id)
    if employee is None:
        return None
    notice = PayNotice.get_or_none(PayNotice.run == run.id, PayNotice.employee == employee_id)
    lines = employee_lines(run, employee_id)
    if not lines:
        return None
    if notice is None:  # a draft: the totals the notice will carry
        earnings = sum(x.amount for x in lines if not comp.BY_CODE[x.component].is_deduction)
        deductions = sum(x.amount for x in lines if comp.BY_CODE[x.component].is_deduction)
        notice = PayNotice(
            id=0,
            run=run,
            employee=employee,
            earnings=earnings,
            deductions=deductions,
            net=earnings - deductions,
        )
    return employee, notice_context(run, notice, employee, lines), notice_language(employee)
