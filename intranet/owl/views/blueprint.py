"""Si Owl's one blueprint ``bp`` and what its pages share: the navigation entry, the roles that
read each part, the section tabs every page shows, and the checks a list page makes to answer
with its rows only. Every view module of the package attaches its routes to ``bp``."""

from flask import Blueprint, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from ... import policy
from ...core import caches
from ...core.actor import actor
from ...core.navigation import NavGroup
from ...core.responses import is_fragment_request
from .. import labels

bp = Blueprint("owl", __name__, url_prefix="/owl")

NAV_GROUP = NavGroup("owl", _l("Stay permits"), "Si Owl")

REGISTRY_READ = ("izin_tinggal", "kepala")
OVERSTAY_READ = ("inteldakim", "kepala")
REPORT_READ = ("izin_tinggal", "inteldakim", "kepala")
OWL_ANY = ("izin_tinggal", "inteldakim", "kepala", "admin")

TABS = [
    ("owl.dashboard", _l("Overview")),
    ("owl.list_permits", _l("Permits")),
    ("owl.list_foreigners", _l("Foreigners")),
    ("owl.list_applications", _l("Applications")),
    ("owl.list_overstays", _l("Overstay")),
    ("owl.compliance", _l("Compliance")),
    ("owl.list_disruptions", _l("Disruption notices")),
    ("owl.edit_settings", _l("Settings")),
]

NAV = TABS

_TABS = caches.Cache("owl.tabs", maxsize=64)


def tabs(user):
    """(endpoint, href, label) of the section tabs this user may open, cached per script root,
    language and role set: every Si Owl page shows them."""
    key = (
        request.script_root,
        str(get_locale() or "id"),
        user.role_names if user is not None else frozenset(),
    )
    return _TABS.get_or_make(
        key,
        lambda: [
            (endpoint, url_for(endpoint), str(label))
            for endpoint, label in TABS
            if policy.admits(policy.policy_for(endpoint), user)
        ],
    )


@bp.context_processor
def _owl_context():
    return {"owl_tabs": tabs(actor()), "L": labels, "country_name": labels.country_name}


def wants_rows(target):
    """An htmx request for a list's rows only (the element ``target`` of the list page)."""
    return is_fragment_request() and request.htmx.target == target
