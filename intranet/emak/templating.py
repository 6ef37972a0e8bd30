"""Si Emak's template filters, installed app-wide (pages and the pay notice e-mails the outbox
renders): ``pay_component``, ``pay_kind``, ``pay_period`` and ``pay_day``.

They run for every line of every pay notice the outbox renders (ten thousand notices in a pay
run), so each result is worked out once per language: a lazy label costs a dozen context
look-ups to translate, a Babel date format more.
"""

import datetime as dt

from flask.globals import _cv_app
from flask_babel import get_locale
from flask_babel.speaklater import LazyString
from markupsafe import Markup

from ..core import caches
from ..core.filters import id_date
from . import components as comp


def _language():
    """The current language, as ``get_locale()`` gives it, read straight from Flask-Babel's
    state of the app context when it is there: four context look-ups fewer, a dozen times per
    notice."""
    app_ctx = _cv_app.get(None)
    state = getattr(app_ctx.g, "_flask_babel", None) if app_ctx is not None else None
    locale = getattr(state, "babel_locale", None) or get_locale()
    return locale.language if locale is not None else "id"


def _text(label):
    """A lazy label as text in the current language. As Markup: a lazy string renders unescaped,
    and so does its cached text. Anything else (an unknown code) is returned as it is."""
    if isinstance(label, LazyString):
        return Markup(str(label))  # noqa: S704 - our own catalog's text, as the lazy string
    return label


@caches.memoize("emak.component_labels", maxsize=1024)
def _component_in(language, code):
    return _text(comp.component_label(code))


@caches.memoize("emak.kind_labels", maxsize=1024)
def _kind_in(language, kind):
    return _text(comp.KIND_LABELS.get(kind, kind))


@caches.memoize("emak.dates", maxsize=1024)
def _date_in(language, value, fmt):
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return id_date(value, fmt)


def pay_component_filter(code):
    return _component_in(_language(), code)


def pay_kind_filter(kind, label=""):
    if kind == comp.OTHER_KIND and label:
        return label
    return _kind_in(_language(), kind)


def pay_period_filter(value):
    """'2026-11-01' or a date -> 'November 2026' in the current language."""
    return _date_in(_language(), value, "MMMM yyyy")


def pay_day_filter(value):
    """'2026-11-25' or a date -> '25 November 2026' in the current language."""
    return _date_in(_language(), value, "d MMMM yyyy")


def register(app):
    """Install Si Emak's filters on ``app``."""
    app.add_template_filter(pay_component_filter, "pay_component")
    app.add_template_filter(pay_kind_filter, "pay_kind")
    app.add_template_filter(pay_period_filter, "pay_period")
    app.add_template_filter(pay_day_filter, "pay_day")
