"""Si Anggrek's settings: defaults here, overridden by app config ``ANGGREK_<NAME>`` and, at run
time, by the office setting ``anggrek.<name>`` (intranet.core.models.Setting).

Office settings are read at most every ``CACHE_SECONDS`` per process: the board asks for its
polling interval on every refresh of every supervisor's screen.
"""

import time

from flask import current_app

from ..core import caches
from ..core.models import get_setting, set_setting

DEFAULTS = {
    # Seconds between two refreshes of the live board.
    "board_poll_seconds": 2,
    # The board marks a counter late when it has been calling one ticket for longer than this
    # (minutes: the applicant is not coming, or did not hear) ...
    "calling_late_minutes": 5,
    # ... or interviewing one applicant for longer than the service standard (minutes).
    "interview_late_minutes": 15,
    # A ticket may be rated for this many days after it was finished.
    "survey_window_days": 2,
    # Survey submissions allowed per IP address per window (public form, rate-limited).
    "survey_max_per_ip": 10,
    "survey_ip_window_seconds": 3600,
    # Flag attachments: maximum size and the extensions accepted.
    "flag_max_bytes": 10 * 1024 * 1024,
    "flag_extensions": ["pdf", "jpg", "jpeg", "png", "mp4"],
}

CACHE_SECONDS = 10
_MISSING = object()

# (app, name) -> (read again after, value). The app is in the key because the value comes from
# its database (tests make one app, with its own database, after another in one process).
_OFFICE = caches.Cache("anggrek.settings", maxsize=64)


def _office_setting(name):
    key = (current_app._get_current_object(), name)
    hit = _OFFICE.get(key)
    now = time.monotonic()
    if hit is not None and hit[0] > now:
        return hit[1]
    value = get_setting(f"anggrek.{name}", _MISSING)
    _OFFICE.put(key, (now + CACHE_SECONDS, value))
    return value


def setting(name):
    value = _office_setting(name)
    if value is _MISSING:
        return current_app.config.get(f"ANGGREK_{name.upper()}", DEFAULTS[name])
    return value


def save(values):
    """Store office settings ``{name: value}``. This process forgets its cached copies at once;
    other processes read the new values within ``CACHE_SECONDS``."""
    for name, value in values.items():
        set_setting(f"anggrek.{name}", value)
    _OFFICE.clear()
