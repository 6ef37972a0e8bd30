"""Home, language switch, health check; flashes on htmx responses."""

import redis
from flask import (
    Blueprint,
    current_app,
    get_flashed_messages,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..extensions import db, get_redis
from ..policy import SIGNED_IN, public, roles
from . import inbox
from .actor import actor
from .responses import is_fragment_request, render

bp = Blueprint("core", __name__)

NAV = [("core.home", _l("Home"))]


@bp.get("/")
@public
def index():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    return redirect(url_for("auth.login"))


@bp.get("/home")
@roles(SIGNED_IN)
def home():
    """Beranda: the user's work inbox, menu by menu in the navigation's order."""
    me = actor()
    found = inbox.items(me)
    inbox.remember(me, found)
    layout = current_app.extensions["intranet_layout"]
    menus = layout.nav(me, str(get_locale()), request.script_root)
    menus = [m for m in menus if m.group is not None]
    place = {m.group.key: i for i, m in enumerate(menus)}
    by_group = {}
    for item in sorted(found, key=lambda item: place.get(item.group, len(place))):
        by_group.setdefault(item.group, []).append(item)
    return render(
        "core/home.html",
        sections=[(m, by_group[m.group.key]) for m in menus if m.group.key in by_group],
        shortcuts=[m for m in menus if m.group.key not in by_group and m.group.key != "account"],
    )


@bp.post("/language")
@public
def set_language():
    lang = request.form.get("lang")
    if lang not in current_app.config["LANGUAGES"]:
        lang = "id"
    if current_user.is_authenticated and current_user.language != lang:
        from ..people.models import User

        User.update(language=lang).where(User.id == current_user.id).execute()
    target = request.form.get("next") or request.referrer or url_for("core.index")
    from ..auth.views import safe_next

    response = redirect(safe_next(target) or url_for("core.index"), code=303)
    response.set_cookie(
        "lang",
        lang,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@bp.get("/healthz")
@public
def healthz():
    checks = {}
    try:
        db.execute_sql("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"down: {exc.__class__.__name__}"
    try:
        get_redis().ping()
        checks["redis"] = "ok"
    except (redis.RedisError, OSError) as exc:
        checks["redis"] = f"down: {exc.__class__.__name__}"
    healthy = all(v == "ok" for v in checks.values())
    body = {
        "status": "ok" if healthy else "degraded",
        "version": current_app.config["VERSION"],
        **checks,
    }
    response = jsonify(body)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.after_app_request
def _flashes_for_htmx(response):
    """Flash messages reach htmx (fragment) responses as an out-of-band swap."""
    if (
        is_fragment_request()
        and response.mimetype == "text/html"
        and not response.direct_passthrough
        and response.status_code != 204
        and "HX-Redirect" not in response.headers
    ):
        messages = get_flashed_messages(with_categories=True)
        if messages:
            extra = render_template("_flash_oob.html", messages=messages)
            response.set_data(response.get_data(as_text=True) + extra)
    return response
