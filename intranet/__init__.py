"""Intranet of Kantor Imigrasi Kelas I Non TPI Jakarta Pusat."""

import logging
import os

from flask import Flask, g, has_request_context, request, session, url_for
from flask_babel import get_locale
from flask_login import current_user

from config import INSTANCE_DIR, Config, get_config

from . import policy
from .audit import services as audit_services
from .core.actor import actor
from .extensions import babel, csrf, db, htmx, init_database, login_manager, mail


def _project_root():
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(config=None, **overrides):
    root = _project_root()
    app = Flask(
        __name__,
        template_folder=os.path.join(root, "templates"),
        static_folder=os.path.join(root, "static"),
        instance_path=str(INSTANCE_DIR),
    )
    if config is None or isinstance(config, str):
        config = get_config(config)
    app.config.from_object(config)
    app.config.update(overrides)
    if isinstance(config, type) and issubclass(config, Config):
        config.check()

    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # The client address and scheme as the trusted load balancer(s) saw them: the sign-in
        # and status look-up throttles count per real client, not per proxy.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    _init_extensions(app)
    audit_services.set_actor_lookup(actor)  # an entry without actor= is the signed-in user's
    _register_features(app)
    _register_hooks(app)
    from .core.errors import register_error_handlers

    register_error_handlers(app)
    from .core import filters

    filters.register(app)
    from .cli import register_cli

    register_cli(app)
    return app


def _init_extensions(app):
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        os.makedirs(os.path.dirname(url[len("sqlite:///") :]) or ".", exist_ok=True)
    init_database(url)
    login_manager.init_app(app)
    mail.init_app(app)
    htmx.init_app(app)
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # checked in _before_request, after the policy
    csrf.init_app(app)

    from .i18n import translation_directories

    translation_dirs = translation_directories()
    babel.init_app(
        app,
        locale_selector=_select_locale,
        timezone_selector=lambda: "Asia/Jakarta",
        default_translation_directories=";".join(translation_dirs),
    )
    from .core import speedups

    speedups.install(app)  # faster url_for, _, csrf_token and cookie check (SPEEDUPS switch)

    from .auth.sessions import load_user_from_session

    login_manager.login_view = "auth.login"
    # Sessions are server-side rows (auth.sessions): ending them is what protects an account.
    # Flask-Login's own "session protection" would only hash IP and browser on every request
    # and mark the cookie session non-fresh, a freshness nothing here uses.
    login_manager.session_protection = None
    login_manager.login_message = None
    login_manager.request_loader(lambda req: load_user_from_session())
    login_manager.user_loader(lambda _id: None)
    login_manager.unauthorized_handler(_unauthorized)


_ACCEPTED = ("id", "en", "in")  # "in": the old code for Indonesian, still sent by some phones


def _select_locale():
    """The signed-in user's stored language; else the one chosen with the language switch (the
    "lang" cookie); else the browser's preference between Indonesian and English; else
    Indonesian."""
    languages = ("id", "en")
    if not has_request_context():
        return "id"  # CLI and jobs; e-mails set their recipient's language explicitly
    user = current_user._get_current_object()
    if user is not None and user.is_authenticated and user.language in languages:
        return user.language
    cookie = request.cookies.get("lang")
    if cookie in languages:
        return cookie
    for tag, quality in request.accept_languages:  # the browser's order of preference
        primary = tag.split("-", 1)[0].split("_", 1)[0].lower()
        if quality > 0 and primary in _ACCEPTED:
            return "en" if primary == "en" else "id"
    return "id"


def _unauthorized():
    from flask import redirect

    from .core.responses import hx_redirect

    target = url_for("auth.login", next=request.full_path if request.method == "GET" else None)
    response = hx_redirect(target) if request.headers.get("HX-Request") else redirect(target)
    response.headers["X-Auth-Required"] = "1"
    return response


def _register_features(app):
    import importlib

    from werkzeug.routing import IntegerConverter

    class RowIdConverter(IntegerConverter):
        """``<int:…>`` in every route: ids beyond a 32-bit row id simply do not match (404),
        instead of reaching PostgreSQL as an out-of-range integer."""

        def __init__(self, map, *args, **kwargs):
            kwargs.setdefault("max", 2**31 - 1)
            super().__init__(map, *args, **kwargs)

    app.url_map.converters["int"] = RowIdConverter

    from . import features

    # Each feature's blueprint (``bp``, and its ``NAV``: (endpoint, label) shown to whoever
    # the endpoint's policy admits, in the menu ``NAV_GROUP``), in navigation order; then its
    # template helpers.
    nav = []
    for name in features.views_in_nav_order():
        module = importlib.import_module(name)
        app.register_blueprint(module.bp)
        group = getattr(module, "NAV_GROUP", None)
        nav.extend((group, endpoint, label) for endpoint, label in getattr(module, "NAV", []))
    for name in features.modules("templating"):
        importlib.import_module(name).register(app)
    app.extensions["intranet_nav"] = nav


def _has_nul(multidict):
    return any("\x00" in value for values in multidict.listvalues() for value in values)


def _register_hooks(app):
    from .auth.sessions import SESSION_KEY

    @app.before_request
    def _before_request():
        if request.endpoint == "static":
            return None
        if _has_nul(request.args) or (request.method != "GET" and _has_nul(request.form)):
            from flask import abort

            abort(400)  # NUL never belongs in text, and PostgreSQL refuses it in strings
        db.connect(reuse_if_open=True)
        response = policy.enforce()
        if response is not None:
            return response
        if app.config.get("WTF_CSRF_ENABLED", True) and request.method not in (
            "GET",
            "HEAD",
            "OPTIONS",
        ):
            csrf.protect()
        return None

    @app.teardown_request
    def _teardown(exc):
        if not db.is_closed():
            db.close()

    from .core import csp

    configured_csp = {"img-src": (app.config.get("CSP_IMG_EXTRA") or "").split()}
    base_csp = csp.build(configured_csp)
    security_headers = (
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
        ("Permissions-Policy", "camera=(self), geolocation=(self), microphone=()"),
    )
    hsts_max_age = int(app.config.get("HSTS_MAX_AGE") or 0)
    if hsts_max_age > 0:
        # Browsers heed it only over HTTPS; production serves nothing else.
        security_headers += (("Strict-Transport-Security", f"max-age={hsts_max_age}"),)

    @app.after_request
    def _security_headers(response):
        h = response.headers
        present = {name.lower() for name, _value in h.items()}
        if "Content-Security-Policy" not in h:  # a view may have set its own (a stricter one)
            extra = g.get("_csp_extra")
            h["Content-Security-Policy"] = csp.build(configured_csp, extra) if extra else base_csp
        for name, value in security_headers:
            if name.lower() not in present:  # a view may have set its own (e.g. a stricter CSP)
                h.add(name, value)
        # Pages of a signed-in browser are never stored by caches. (Static files never reach
        # this: they carry no session lookup.)
        if request.endpoint != "static" and session.get(SESSION_KEY):
            h["Cache-Control"] = "no-store"
        # htmx: a boosted page and its fragment share a URL; keep caches apart.
        response.vary.add("HX-Request")
        if request.endpoint != "static":
            # A page's language follows the browser's Accept-Language until one is chosen with
            # the language switch (the "lang" cookie).
            response.vary.update(("Accept-Language", "Cookie"))
        return response

    from .core.layout import Layout

    layout = Layout(app)
    app.extensions["intranet_layout"] = layout

    @app.context_processor
    def _layout_context():
        if not has_request_context():
            return {}  # e-mails and jobs render without the page layout
        user = current_user._get_current_object()
        locale = str(get_locale())
        root = request.script_root
        return {
            "nav_items": layout.nav(user, locale, root),
            "chrome": layout.chrome(locale, root),
            "current_locale": locale,
            "navbar": lambda csrf: layout.navbar(user, locale, csrf),
        }
