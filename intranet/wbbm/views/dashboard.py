"""The head's dashboard: one period's figures per service, each against its target, with a
small trend chart and a link to the page that explains it."""

from flask import url_for
from flask_babel import get_locale

from ... import policy
from ...core.actor import actor
from ...core.responses import render, render_part
from ...people.models import Unit
from ...policy import roles
from .. import figures, presenters, settings
from ..definitions import SERVICES
from ..rollup import last_updated
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


def _units():
    return list(Unit.select(Unit.id, Unit.name).order_by(Unit.name).tuples())


@bp.get("/")
@roles(*READERS)
def dashboard():
    user = actor()
    try:
        period, unit, today, notes = report_args(user)
    except NoUnit:
        return no_unit_page()
    whole_office = user.has_role(*WHOLE_OFFICE)
    units = settings.cached("units", _units) if whole_office else []
    stamp = last_updated()
    targets = settings.targets()

    def context():
        report = figures.build(period, unit, today=today, stamp=stamp, targets=targets)
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
        return {
            "report": report,
            "sections": sections,
            "notes": notes,
            "units": units,
            "whole_office": whole_office,
            "links": period_links("wbbm.dashboard", period, unit, today),
            "show": presenters,
            "explain": lambda endpoint: explain_link(user, endpoint),
            "is_admin": user.has_role("admin"),
        }

    # The figures' part is rendered once per everything it shows (cached): the language, the
    # reader's roles (which explaining pages they may open), the period, the unit, the notes,
    # the units to choose from, the last roll-up and the targets.
    key = (
        str(get_locale() or "id"),
        user.role_names,
        bool(user.has_direct_reports),
        period,
        unit.id if unit is not None else None,
        unit.name if unit is not None else None,
        today,
        tuple(str(n) for n in notes),
        tuple(units),
        whole_office,
        stamp,
        tuple(sorted(targets.items())),
    )
    body = render_part("wbbm/_dashboard_body.html", key, context)
    return render("wbbm/dashboard.html", body=body)
