"""The head's dashboard: one period's figures per service, each against its target, with a
small trend chart and a link to the page that explains it."""

from flask import url_for

from ... import policy
from ...core.actor import actor
from ...core.responses import render
from ...people.models import Unit
from ...policy import roles
from .. import figures, presenters
from ..definitions import SERVICES
from .blueprint import READERS, WHOLE_OFFICE, NoUnit, bp, no_unit_page, report_args


def period_links(endpoint, period, unit, today):
    """Links to the same period kind before and after this one, and to each kind."""
    args = {"unit": unit.id} if unit is not None else {}
    earlier = period.previous()
    later = period.following()
    return {
        "earlier": url_for(endpoint, period=period.kind, date=earlier.first.isoformat(), **args),
        "earlier_label": earlier.label,
        "later": (
            url_for(endpoint, period=period.kind, date=later.first.isoformat(), **args)
            if later.first <= today
            else None
        ),
        "later_label": later.label,
        "kinds": [
            (
                kind,
                figures.KIND_LABELS[kind],
                url_for(endpoint, period=kind, date=period.first.isoformat(), **args),
            )
            for kind in figures.KINDS
        ],
    }


def explain_link(user, endpoint):
    if endpoint and policy.admits(policy.policy_for(endpoint), user):
        return url_for(endpoint)
    return None


@bp.get("/")
@roles(*READERS)
def dashboard():
    user = actor()
    try:
        period, unit, today, notes = report_args(user)
    except NoUnit:
        return no_unit_page()
    report = figures.build(period, unit, today=today)
    sections = []
    for service, label, endpoint in SERVICES:
        results = report.by_service(service)
        if results:
            sections.append(
                {
                    "key": service,
                    "label": label,
                    "results": results,
                    "link": explain_link(user, endpoint),
                }
            )
    whole_office = user.has_role(*WHOLE_OFFICE)
    return render(
        "wbbm/dashboard.html",
        report=report,
        sections=sections,
        notes=notes,
        units=list(Unit.select().order_by(Unit.name)) if whole_office else [],
        whole_office=whole_office,
        links=period_links("wbbm.dashboard", period, unit, today),
        show=presenters,
        explain=lambda endpoint: explain_link(user, endpoint),
    )
