"""Translation look-ups that stay cheap when a page asks for dozens of strings.

Flask-Babel resolves the locale and its catalog on every ``gettext`` call (including turning the
locale into a string each time); a list page asks for 20-50 strings. Here the catalog is kept on
the request's Babel context next to the locale it belongs to, so ``force_locale`` (e-mails in the
recipient's language) still switches catalogs: a different locale object means a fresh look-up.
"""

from flask import g
from flask_babel import get_translations


def translations():
    try:
        ctx = g._flask_babel
        locale = ctx.babel_locale
    except (AttributeError, RuntimeError):  # no locale chosen yet, or outside an app context
        return get_translations()
    cached = getattr(ctx, "intranet_translations", None)
    if cached is not None and cached[0] is locale:
        return cached[1]
    catalog = get_translations()
    ctx.intranet_translations = (locale, catalog)
    return catalog


def install(app):
    """The templates' ``_``/``gettext``/``ngettext`` (Jinja's i18n extension, new style)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
