"""What the shared layout (templates/base.html) shows around every page, worked out once.

Every signed-in page pays for the layout, so its fixed parts are not recomputed per request:
the navigation for a set of roles, the layout's own sentences and links, and the rendered
navigation links are built once per (roles and standings such as having direct reports, see
policy.standing; language; script root; active page) and kept in ``intranet.core.caches``; the
rest of the navigation bar (the CSRF token, the current path and the user's name) is an ordinary
template rendered per request.
"""

from flask import request, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from .. import policy
from . import caches, inbox, navigation
from .navigation import ACCOUNT

# The layout's own sentences (templates/base.html writes {{ chrome.<key> }}).
STRINGS = {
    "network_error": _l("The server cannot be reached. Check the connection and try again."),
    "skip": _l("Skip to content"),
    "main_navigation": _l("Main navigation"),
    "menu": _l("Menu"),
    "language": _l("Language"),
    "sign_out": _l("Sign out"),
    "account": _l("Account"),
    "waiting": _l("waiting"),
    "ministry": _l("Directorate General of Immigration, Ministry of Immigration and Corrections"),
}
LINKS = {"home": "core.index", "set_language": "core.set_language", "sign_out_url": "auth.logout"}
STYLESHEETS = ("vendor/bootstrap/bootstrap.min.css", "css/app.css")
SCRIPTS = ("vendor/htmx/htmx.min.js", "vendor/bootstrap/bootstrap.bundle.min.js", "js/app.js")

_CHROME = caches.Cache("layout.chrome", maxsize=64)  # (language, script root)
_NAV = caches.Cache("layout.nav", maxsize=512)  # (standing, language, script root)
_NAV_LINKS = caches.Cache("layout.nav_links", maxsize=4096)  # the above and the active page


class Layout:
    def __init__(self, app):
        self.app = app

    def chrome(self, locale, script_root):
        """Translated sentences (already escaped) and links of the layout."""
        return _CHROME.get_or_make((locale, script_root), lambda: self._make_chrome())

    def _make_chrome(self):
        found = {name: escape(str(text)) for name, text in STRINGS.items()}
        found.update({name: url_for(endpoint) for name, endpoint in LINKS.items()})
        static = url_for("static", filename="")
        found["head_links"] = Markup(  # noqa: S704 - our own static paths, escaped
            f'<link rel="icon" href="{escape(static)}favicon.svg" type="image/svg+xml">'
            + "".join(
                f'\n  <link rel="stylesheet" href="{escape(static + name)}">'
                for name in STYLESHEETS
            )
        )
        found["head_scripts"] = Markup(  # noqa: S704 - as above
            "\n  ".join(
                f'<script src="{escape(static + name)}" defer></script>' for name in SCRIPTS
            )
        )
        return found

    def navbar(self, user, locale, csrf):
        """The body's opening tag and the navigation bar (templates/_navbar.html), rendered per
        request (the CSRF token, the current path, the user's name and the counts of work
        waiting, escaped by Jinja as in any template) around the menus, a cached part
        (``nav_links``)."""
        signed_in = user is not None and user.is_authenticated
        root = request.script_root
        menus = self.nav(user, locale, root) if signed_in else ()
        counts = inbox.badges(user) if signed_in else {}
        template = self.app.jinja_env.get_template("_navbar.html")
        return Markup(  # noqa: S704 - rendered by Jinja, autoescaped
            template.render(
                nav_links=self.nav_links(user, locale, root, counts),
                account=next((m for m in menus if m.key == ACCOUNT.key), None),
                chrome=self.chrome(locale, root),
                current_locale=locale,
                signed_in=signed_in,
                csrf=csrf,
                next_path=request.full_path if request.method == "GET" else "",
                user_name=user.name if signed_in else "",
                active_endpoint=request.endpoint,
            )
        )

    def nav_links(self, user, locale, script_root, counts=None):
        """The menus of the user's standing in a language, the active page marked, with the
        counts of work waiting on their buttons."""
        counts = counts or {}
        key = (
            policy.standing(user),
            locale,
            script_root,
            request.endpoint,
            tuple(sorted(counts.items())),
        )

        def make():
            template = self.app.jinja_env.get_template("_navbar_links.html")
            menus = [m for m in self.nav(user, locale, script_root) if m.key != ACCOUNT.key]
            return Markup(  # noqa: S704 - rendered by Jinja, autoescaped
                template.render(
                    menus=menus,
                    counts=counts,
                    active_endpoint=request.endpoint,
                    waiting=STRINGS["waiting"],
                )
            )

        return _NAV_LINKS.get_or_make(key, make)

    def nav(self, user, locale, script_root):
        """The menus (``intranet.core.navigation.Menu``) of the pages this user's roles may
        open."""
        roles = policy.standing(user)  # roles, and e.g. having direct reports
        return _NAV.get_or_make((roles, locale, script_root), lambda: self._make_nav(user))

    def _make_nav(self, user):
        def admitted(endpoint):
            pol = policy.policy_for(endpoint, self.app)
            return pol is not None and policy.PUBLIC not in pol and policy.admits(pol, user)

        return navigation.build(self.app.extensions["intranet_nav"], admitted, url_for)
