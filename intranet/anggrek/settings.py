"""Si Anggrek's settings: defaults here, overridden by app config ``ANGGREK_<NAME>`` and, at run
time, by the office setting ``anggrek.<name>`` (intranet.core.models.Setting)."""

from flask import current_app

from ..core.models import get_setting

DEFAULTS = {
    # Seconds between two refreshes of the live board.
    "board_poll_seconds": 2,
    # A ticket may be rated for this many days after it was finished.
    "survey_window_days": 2,
    # Survey submissions allowed per IP address per window (public form, rate-limited).
    "survey_max_per_ip": 10,
    "survey_ip_window_seconds": 3600,
    # Flag attachments: maximum size and the extensions accepted.
    "flag_max_bytes": 10 * 1024 * 1024,
    "flag_extensions": ["pdf", "jpg", "jpeg", "png", "mp4"],
}


def setting(name):
    default = current_app.config.get(f"ANGGREK_{name.upper()}", DEFAULTS[name])
    return get_setting(f"anggrek.{name}", default)
