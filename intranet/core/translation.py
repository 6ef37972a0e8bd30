"""Translation look-ups that stay cheap when a page asks for dozens of strings.

Flask-Babel resolves the locale and its catalog on every ``gettext`` call (including turning the
locale into a string each time); a list page asks for 20-50 strings. Here the catalog is kept on
the request's Babel context next to the locale it belongs to, so ``force_locale`` (e-mails in the
recipient's language) still switches catalogs: a different locale object means a fresh look-up.
"""

from flask import g, has_request_context
from flask_babel import get_translations
from jinja2 import pass_eval_context
from markupsafe import Markup


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


_BOUND = {}  # id(catalog) -> (catalog, {"_": …, "gettext": …, "ngettext": …})


def bound_callables(catalog):
    """``_``/``gettext``/``ngettext`` bound to one catalog, behaving exactly like Jinja's
    new-style callables (the message is a format string; in autoescaped templates it is Markup,
    so the variables are escaped) but without Jinja's second call and catalog look-up per string.
    A list page asks for twenty-odd strings; this halves what each costs."""
    found = _BOUND.get(id(catalog))
    if found is not None and found[0] is catalog:
        return found[1]
    lookup, nlookup = catalog.ugettext, catalog.ungettext

    @pass_eval_context
    def gettext(eval_ctx, message, **variables):
        value = lookup(message)
        if eval_ctx.autoescape:
            value = Markup(value)  # noqa: S704 - our own catalog; variables are escaped by %
        return value % variables

    @pass_eval_context
    def ngettext(eval_ctx, singular, plural, num, **variables):
        variables.setdefault("num", num)
        value = nlookup(singular, plural, num)
        if eval_ctx.autoescape:
            value = Markup(value)  # noqa: S704 - as above
        return value % variables

    callables = {"_": gettext, "gettext": gettext, "ngettext": ngettext}
    _BOUND[id(catalog)] = (catalog, callables)
    return callables


def install(app):
    """The templates' ``_``/``gettext``/``ngettext``: Jinja's i18n extension (new style) for
    templates rendered outside a request, and in a request the same callables bound to the
    request's catalog (a context processor; values a view passes itself still win)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )

    @app.context_processor
    def _request_gettext():
        if not has_request_context():
            return {}
        return bound_callables(translations())
