"""WBBM's one blueprint ``bp``, its navigation entries and what its pages share: who reads the
figures, and which unit a reader may see."""

from flask import Blueprint, abort
from flask_babel import lazy_gettext as _l

from ...people.models import Unit

bp = Blueprint("wbbm", __name__, url_prefix="/wbbm")

NAV = [("wbbm.dashboard", _l("WBBM dashboard")), ("wbbm.evidence", _l("Evidence report"))]

READERS = ("kepala", "admin", "atasan")
WHOLE_OFFICE = ("kepala", "admin")


def allowed_unit(user, requested):
    """The unit (a Unit, or None for the whole office) ``user`` sees, given the unit id asked
    for. The head and admins see the whole office or any unit; a supervisor only their own unit
    (403 when they ask for another)."""
    if user.has_role(*WHOLE_OFFICE):
        if requested is None:
            return None, False
        unit = Unit.get_or_none(Unit.id == requested)
        return unit, unit is None  # an unknown unit: the whole office, and say so
    if user.unit_id is None:
        abort(403)
    if requested is not None and requested != user.unit_id:
        abort(403)
    return Unit.get_by_id(user.unit_id), False
