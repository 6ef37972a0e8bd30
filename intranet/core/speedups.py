"""Faster stand-ins for Flask's own helpers, all in one place and all switched off together.

Every signed-in page pays for the layout (DESIGN §7: list pages must reach 0.30 of a bare Flask
app). Four things Flask and its extensions do on every request cost a visible share of a page,
and are done here once and remembered instead:

- ``_``/``gettext``/``ngettext`` in templates: bound to the request's catalog, without Jinja's
  second call and catalog look-up per string (``template_gettext``);
- ``csrf_token()``: Flask-WTF signs the session's token with a timestamp on each request; here
  the signature is reused for an hour per session (``csrf_token``). Validation is Flask-WTF's;
- ``url_for`` and ``asset`` in templates: each distinct (endpoint, plain arguments, script root)
  is built once (``url_for``, ``asset``);
- the session cookie's signature check: a cookie whose HMAC was checked within the last minute
  under the same ``SECRET_KEY`` is taken as checked (``CookieSessionInterface``). The key is part
  of what is remembered, so a rotated ``SECRET_KEY`` takes effect on the next request.

``install(app)`` puts them in place of Flask's. With speed-ups off (``SPEEDUPS = False``, or
``intranet.core.caches.disabled()`` in a test) each one calls Flask's own helper instead, so a
page renders the same HTML either way (``tests/core/test_speedups.py``). Their memories are
``intranet.core.caches`` caches, bounded and cleared with the others.
"""

import time

from flask import current_app, g, has_request_context, request
from flask import url_for as flask_url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import get_translations
from flask_wtf.csrf import generate_csrf
from jinja2 import pass_eval_context
from markupsafe import Markup

from . import caches

# ----- translations ------------------------------------------------------------------------------


def translations():
    """The request's catalog, looked up once per request and locale (``force_locale`` - e-mails
    in the recipient's language - gives a different locale object, hence a fresh look-up)."""
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


_BOUND = caches.Cache("speedups.gettext", maxsize=16)  # id(catalog) -> (catalog, callables)


def bound_callables(catalog):
    """``_``/``gettext``/``ngettext`` bound to one catalog, behaving exactly like Jinja's
    new-style callables (the message is a format string; in autoescaped templates it is Markup,
    so the variables are escaped)."""
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
    _BOUND.put(id(catalog), (catalog, callables))
    return callables


def template_gettext():
    """The context processor: in a request with speed-ups on, the bound callables; otherwise
    nothing, and templates use Jinja's i18n extension (installed in ``install``)."""
    if not has_request_context() or not caches.enabled():
        return {}
    return bound_callables(translations())


# ----- CSRF token --------------------------------------------------------------------------------

CSRF_REUSE_SECONDS = 3600
_SIGNED = caches.Cache("speedups.csrf", maxsize=10_000)  # (key, raw token) -> (signed, when)


def csrf_token():
    """The page's CSRF token: Flask-WTF's, its signature reused for up to an hour per session
    (the same as a page left open that long; the token is valid for the session's lifetime)."""
    if not caches.enabled():
        return generate_csrf()
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    token = g.get(field)
    if token is not None:
        return token
    from flask import session

    raw = session.get(field)
    now = time.monotonic()
    key = (current_app.secret_key, raw)
    hit = _SIGNED.get(key) if raw else None
    if hit is not None and now - hit[1] < CSRF_REUSE_SECONDS:
        setattr(g, field, hit[0])  # forms of this request (Flask-WTF) reuse it too
        return hit[0]
    token = generate_csrf()
    _SIGNED.put((current_app.secret_key, session[field]), (token, now))
    return token


# ----- URLs --------------------------------------------------------------------------------------

_URLS = caches.Cache("speedups.url_for", maxsize=4096)
_ASSETS = caches.Cache("speedups.asset", maxsize=256)


def url_for(endpoint, **values):
    """Templates' ``url_for``: each distinct (endpoint, plain arguments) built once per script
    root. Anything unusual (``_external``, objects as values) goes straight to Flask's."""
    if not caches.enabled() or any(
        k[:1] == "_" or not isinstance(v, str | int | None) for k, v in values.items()
    ):
        return flask_url_for(endpoint, **values)
    key = (
        endpoint,
        request.script_root,
        request.blueprint if endpoint[:1] == "." else None,
        tuple(sorted(values.items())),
    )
    url = _URLS.get(key)
    if url is None:
        url = _URLS.put(key, flask_url_for(endpoint, **values))
    return url


def asset(filename):
    """``url_for('static', filename=…)``, built once per file and script root."""
    key = (request.script_root, filename)
    url = _ASSETS.get(key)
    if url is None:
        url = _ASSETS.put(key, flask_url_for("static", filename=filename))
    return url


# ----- the session cookie ------------------------------------------------------------------------


class CookieSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with the signature check of a cookie remembered briefly.

    Every request presents the same cookie (it holds only the session key and the CSRF secret).
    A cookie whose check passed within the last ``REMEMBER_SECONDS`` under the same secret key is
    taken as checked. Only flat sessions (strings, numbers, booleans) are remembered, so no
    request can change another's copy; anything else (e.g. pending flash messages) takes the
    full path.
    """

    REMEMBER_SECONDS = 60
    _checked = caches.Cache("speedups.session_cookie", maxsize=10_000)

    def open_session(self, app, request):
        value = request.cookies.get(self.get_cookie_name(app))
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()), value)
        if value and app.secret_key:
            hit = self._checked.get(key)
            if hit is not None and time.monotonic() - hit[1] < self.REMEMBER_SECONDS:
                return self.session_class(hit[0])
        session_ = super().open_session(app, request)
        if value and session_ and all(isinstance(v, str | int | float) for v in session_.values()):
            self._checked.put(key, (dict(session_), time.monotonic()))
        return session_


# ----- wiring ------------------------------------------------------------------------------------


def install(app):
    """Put the stand-ins in place of Flask's helpers and set the switch from ``SPEEDUPS``."""
    caches.set_enabled(app.config.get("SPEEDUPS", True))
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.context_processor(template_gettext)

    # Flask-WTF offers its csrf_token through a global and a context processor; replace both
    # (the processor's value would win over the global).
    app.jinja_env.globals["csrf_token"] = csrf_token
    processors = app.template_context_processors[None]
    processors[:] = [p for p in processors if getattr(p, "__module__", "") != "flask_wtf.csrf"]
    app.context_processor(lambda: {"csrf_token": csrf_token})

    app.jinja_env.globals["url_for"] = url_for
    app.jinja_env.globals["asset"] = asset
    app.session_interface = CookieSessionInterface()
