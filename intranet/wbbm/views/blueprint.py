"""WBBM's one blueprint ``bp``, its navigation entries and what its pages share: who reads the
figures, and which unit a reader may see."""

from flask import Blueprint, abort
from flask_babel import lazy_gettext as _l

from ...core.navigation import NavGroup
from ...people.models import Unit

bp = Blueprint("wbbm", __name__, url_prefix="/wbbm")

NAV_GROUP = NavGroup("wbbm", _l("WBBM"))
NAV = [("wbbm.dashboard", _l("WBBM dashboard")), ("wbbm.evidence", _l("Evidence report"))]

READERS = ("kepala", "admin", "atasan")
WHOLE_OFFICE = ("kepala", "admin")


class NoUnit(Exception):
    """A supervisor whose account belongs to no unit: there is no unit to show."""


def no_unit_page():
    from ...core.responses import render

    return render("wbbm/no_unit.html")


def allowed_unit(user, requested):
    """The unit (a Unit, or None for the whole office) ``user`` sees, given the unit id asked
    for. The head and admins see the whole office or any unit; a supervisor only their own unit
    (403 when they ask for another; ``NoUnit`` when they have none)."""
    if user.has_role(*WHOLE_OFFICE):
        if requested is None:
            return None, False
        unit = Unit.get_or_none(Unit.id == requested)
        return unit, unit is None  # an unknown unit: the whole office, and say so
    if user.unit_id is None:
        raise NoUnit()
    if requested is not None and requested != user.unit_id:
        abort(403)
    return Unit.get_by_id(user.unit_id), False


def report_args(user):
    """(Period, Unit or None, today, notes) from ?period=day|week|month|quarter|year,
    ?date=YYYY-MM-DD (a day inside the period; today when absent) and ?unit=<id>. A value that
    is not understood falls back to its default, and ``notes`` says so."""
    from flask import request
    from flask_babel import gettext as _

    from ...anggrek import clock
    from ...core.args import date_arg, int_arg
    from ..figures import KINDS, period_of

    notes = []
    today = clock.today()
    kind = request.args.get("period") or "month"
    if kind not in KINDS:
        notes.append(_("The period was not understood; a month is shown."))
        kind = "month"
    day = date_arg("date")
    if day is None:
        if request.args.get("date"):
            notes.append(_("The date was not understood (write it as YYYY-MM-DD); today is used."))
        day = today
    elif day > today:
        notes.append(_("That date is still to come; the current period is shown."))
        day = today
    requested = int_arg("unit")
    if requested is None and request.args.get("unit"):
        notes.append(_("The unit was not understood; the whole office is shown."))
    unit, unknown = allowed_unit(user, requested)
    if unknown:
        notes.append(_("There is no such unit; the whole office is shown."))
    return period_of(kind, day), unit, today, notes
