"""Warming up a worker's main process before it forks its work horses (``worker.py`` only):
every e-mail template compiled, each language's catalog and date names loaded, the sending code
imported, once. A horse inherits them, instead of spending the first messages of every batch on
them (some 50 ms a batch)."""

import datetime as dt

from babel.dates import format_date
from flask import current_app
from flask_babel import force_locale, get_translations

from . import sending  # noqa: F401 - imported once here rather than in every horse


def warm_up(languages=("id", "en")):
    """Compile every e-mail template and load each language's catalog and date names."""
    env = current_app.jinja_env
    for name in env.list_templates(filter_func=lambda n: n.startswith("email/") or "/email/" in n):
        env.get_template(name)
    for language in languages:
        with force_locale(language):
            get_translations()
        format_date(dt.date(2026, 1, 1), "d MMMM yyyy", locale=language)
