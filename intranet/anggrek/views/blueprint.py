"""The Si Anggrek blueprint ``bp`` and what every one of its pages shares: ``NAV``, the tabs of
its pages (and the landing page that lists them), the labels its templates read, and which
roles see what. The pages themselves are in the submodules of this package, by what they serve.
"""

from flask import Blueprint, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from ...core import caches
from ...core.actor import actor
from ...core.navigation import NavGroup
from ...core.responses import render
from ...policy import admits, policy_for, roles
from .. import ikm
from ..labels import (
    CATEGORY_LABELS,
    COUNTER_STATE_LABELS,
    EVENT_LABELS,
    FLAG_STATUS_LABELS,
    OUTCOME_LABELS,
    RESOLUTION_LABELS,
    SERVICES,
    TICKET_STATUS_LABELS,
)

bp = Blueprint("anggrek", __name__, url_prefix="/anggrek")

NAV_GROUP = NavGroup("anggrek", _l("Counters"), "Si Anggrek")

OBSERVERS = ("atasan", "kepala")
METRIC_READERS = ("loket", "atasan", "kepala")
FLAG_READERS = ("atasan", "kepala", "admin")
COUNTER_ADMINS = ("admin", "atasan")


@bp.context_processor
def _labels():
    return {
        "state_labels": COUNTER_STATE_LABELS,
        "ticket_status_labels": TICKET_STATUS_LABELS,
        "outcome_labels": OUTCOME_LABELS,
        "event_labels": EVENT_LABELS,
        "category_labels": CATEGORY_LABELS,
        "flag_status_labels": FLAG_STATUS_LABELS,
        "resolution_labels": RESOLUTION_LABELS,
        "services": SERVICES,
        "anggrek_tabs": _tabs,
        "anggrek_nav": _nav,
        "ikm_elements": ikm.ELEMENTS,
    }


TABS = [
    ("anggrek.show_console", _l("Console")),
    ("anggrek.show_board", _l("Board")),
    ("anggrek.list_tickets", _l("Tickets")),
    ("anggrek.show_metrics", _l("Metrics")),
    ("anggrek.show_satisfaction", _l("Satisfaction")),
    ("anggrek.list_flags", _l("Officer reports")),
    ("anggrek.list_counters", _l("Counters")),
    ("anggrek.edit_settings", _l("Settings")),
]

NAV = TABS


def _tabs():
    user = actor()
    return [(e, label) for e, label in TABS if admits(policy_for(e), user)]


# (language, role set, script root) -> [(endpoint, href, label)]. The active tab is not in it:
# the template marks it per request (templates/anggrek/_nav.html).
_NAV = caches.Cache("anggrek.nav", maxsize=256)


def _nav():
    """(endpoint, href, label) of the tabs this user may open, worked out once per language and
    role set: every Si Anggrek page shows them, and the board is polled all day."""
    user = actor()
    key = (
        str(get_locale() or "id"),
        user.role_names if user is not None else frozenset(),
        request.script_root,
    )
    return _NAV.get_or_make(
        key, lambda: [(endpoint, url_for(endpoint), str(label)) for endpoint, label in _tabs()]
    )


@bp.get("/")
@roles("loket", "atasan", "kepala", "resepsionis", "admin")
def index():
    return render("anggrek/index.html")
