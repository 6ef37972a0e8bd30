"""notify's one blueprint and its navigation entries; its app-wide template names and hooks
(``notify.templating``) are installed when the blueprint is registered."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from .. import templating

bp = Blueprint("notify", __name__)

NAV = [
    ("notify.outbox", _l("Outbox")),
    ("notify.scheduler_runs", _l("Scheduled jobs")),
]

bp.record_once(lambda state: templating.register(state.app))
