"""notify's one blueprint and its navigation entries; its app-wide template names and hooks
(``notify.templating``) are installed by create_app, as the feature declares."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ...core.navigation import ADMIN

bp = Blueprint("notify", __name__)

NAV_GROUP = ADMIN
NAV = [
    ("notify.outbox", _l("Outbox")),
    ("notify.scheduler_runs", _l("Scheduled jobs")),
]
