"""Si Jali's template filters, installed app-wide (its e-mails, rendered by the worker, use them
too): ``country_name`` (a nationality in the reader's language), ``jali_date`` and
``jali_duration`` ("1 h 05 min")."""

import datetime as dt

from flask_babel import get_locale
from flask_babel import gettext as _

from ..core.filters import id_date
from . import identity


def country_name(code):
    return identity.country_name(code, str(get_locale() or "id"))


def jali_date(value):
    if isinstance(value, str):
        value = dt.date.fromisoformat(value) if value else None
    return id_date(value)


def duration_formatter():
    """minutes -> "1 h 05 min" / "25 min" in the UI language; the two formats are translated
    once per request, not once per row."""
    long_format, short_format = _("%(h)d h %(m)02d min"), _("%(m)d min")

    def duration(minutes):
        if minutes is None:
            return "—"
        hours, rest = divmod(int(round(minutes)), 60)
        return long_format % {"h": hours, "m": rest} if hours else short_format % {"m": rest}

    return duration


def jali_duration(minutes):
    return duration_formatter()(minutes)


def register(app):
    app.add_template_filter(country_name, "country_name")
    app.add_template_filter(jali_date, "jali_date")
    app.add_template_filter(jali_duration, "jali_duration")
