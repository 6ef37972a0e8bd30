"""Telling admins that e-mails gave up: a warning on their next page, until they open the
outbox. What each admin has seen (the newest dead row's id) is kept in Redis."""

import time

import redis
from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ..core import caches
from ..core.responses import is_fragment_request
from ..extensions import get_redis
from .counts import latest_dead_id
from .models import DEAD

SEEN_KEY = "intranet:notify:dead-seen:{user}"


def _dead_seen(user_id):
    try:
        return int(get_redis().get(SEEN_KEY.format(user=user_id)) or 0)
    except (redis.RedisError, OSError):
        return 0


def _mark_dead_seen(user_id, latest):
    try:
        get_redis().set(SEEN_KEY.format(user=user_id), int(latest or 0))
    except (redis.RedisError, OSError):
        pass  # the alert shows again later; nothing else depends on it


# (admin, the session's CSRF token, newest dead id) -> when this process last found that id
# seen. The stored value only grows (it is set only to a larger id), so while the newest dead
# id stays the same an admin reloading the outbox needs no Redis round trip; re-checked after a
# minute (should Redis have lost the key) and for every new session or newer dead row.
_SEEN_CONFIRMED = caches.Cache("notify.dead_seen_confirmed", maxsize=1000)
_SEEN_CONFIRMED_SECONDS = 60


def outbox_opened(user_id, token, latest_dead):
    """The admin opened the outbox: the dead messages up to ``latest_dead`` are seen."""
    if not latest_dead:
        return
    key = (user_id, token, latest_dead)
    now = time.monotonic()
    confirmed = _SEEN_CONFIRMED.get(key)
    if confirmed is not None and now - confirmed < _SEEN_CONFIRMED_SECONDS:
        return
    if latest_dead > _dead_seen(user_id):
        _mark_dead_seen(user_id, latest_dead)
    _SEEN_CONFIRMED.put(key, now)


def alert_dead_messages():
    """Before every page (an app-wide hook): admins see, on their next page, that e-mails gave
    up - until they open the outbox."""
    if request.method != "GET" or request.endpoint in (None, "static") or is_fragment_request():
        return None
    if "text/html" not in request.headers.get("Accept", ""):
        return None
    if request.endpoint.startswith("notify.") or not current_user.is_authenticated:
        return None
    if not current_user.has_role("admin"):
        return None
    latest = latest_dead_id()
    if latest and latest > _dead_seen(current_user.id):
        link = url_for("notify.outbox", status=DEAD)
        message = Markup('{} <a class="alert-link" href="{}">{}</a>').format(
            _("Some e-mails could not be delivered and gave up."), link, _("Open the outbox")
        )
        flash(message, "warning")
    return None
