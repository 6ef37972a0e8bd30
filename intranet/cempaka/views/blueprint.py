"""Si Cempaka's one blueprint ``bp`` and its navigation ``NAV``, and what its views share: the
tile server in the pages' CSP, the app-wide template globals, and the lookup of a deliverable.

The view modules attach their routes with ``from .blueprint import bp``.
"""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ...core import csp
from ...core.navigation import NavGroup
from ...policy import require
from .. import queries
from .. import settings as cset

bp = Blueprint("cempaka", __name__, url_prefix="/cempaka")

NAV_GROUP = NavGroup("cempaka", _l("WFH"), "Si Cempaka")
NAV = [
    ("cempaka.my_submissions", _l("WFH deliverables")),
    ("cempaka.review_queue", _l("Review deliverables")),
    ("cempaka.recap", _l("WFH recap")),
    ("cempaka.edit_settings", _l("WFH settings")),
]

PER_PAGE = 20


@bp.before_request
def _tile_server_in_csp():
    """With a tile server configured, Si Cempaka's pages may load map images from its origin
    (every page of the blueprint: a boosted navigation keeps the first page's CSP)."""
    csp.allow("img-src", cset.cached_tile_origin())


def get_submission(submission_id):
    """The deliverable with its employee, or 404."""
    submission = queries.submission_with_employee(submission_id)
    require(submission is not None)
    return submission
