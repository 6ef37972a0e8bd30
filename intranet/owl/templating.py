"""Si Owl's app-wide template filters and globals: dates in the page's language (also in other
features' templates, e.g. Si Jali's), and what the bilingual e-mails to foreigners need.
``register(app)`` installs them (wired from ``intranet.owl.views.blueprint``)."""

import datetime as dt

from flask import current_app
from flask_babel import force_locale, get_locale
from jinja2 import pass_context
from markupsafe import Markup

from ..core.filters import id_date, wib_datetime


def owl_date(value, fmt="d MMMM yyyy"):
    """A date (or ISO string, as in e-mail contexts) in the current language."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return id_date(value, fmt)


def owl_datetime(value):
    """An ISO UTC timestamp from an e-mail context, in WIB."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return wib_datetime(value)


def owl_lang():
    """The language a template is being rendered in ("id" or "en")."""
    return "en" if str(get_locale() or "id") == "en" else "id"


@pass_context
def owl_other_language(context, template):
    """Render an e-mail part again in the other language: mail to foreigners carries both
    English and Indonesian, the recipient's own language first."""
    other = "id" if owl_lang() == "en" else "en"
    variables = {k: v for k, v in context.get_all().items() if not callable(v)}
    with force_locale(other):
        # Straight from the environment, as the outbox renders the e-mail itself: no page context
        # processors (they need a request, and a worker has none). The output is already escaped
        # by the e-mail template's autoescaping.
        part = current_app.jinja_env.get_template(template).render(variables)
        return Markup(part)  # noqa: S704


def register(app):
    app.add_template_filter(owl_date, "owl_date")
    app.add_template_filter(owl_datetime, "owl_datetime")
    app.add_template_global(owl_lang, "owl_lang")
    app.add_template_global(owl_other_language, "owl_other_language")
