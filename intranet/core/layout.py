"""What the shared layout (templates/base.html) shows around every page, worked out once.

Every signed-in page pays for the layout, so its fixed parts are not recomputed per request:
the navigation for a set of roles, the layout's own sentences and links, and the rendered
navigation bar are built once per (roles and standings such as having direct reports, see
policy.standing; language; script root; active page) and reused; only the CSRF token, the
current path and the user's name are filled in per request.
"""

import re

from flask import render_template, request, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from .. import policy

# The layout's own sentences (templates/base.html writes {{ chrome.<key> }}).
STRINGS = {
    "network_error": _l("The server cannot be reached. Check the connection and try again."),
    "skip": _l("Skip to content"),
    "main_navigation": _l("Main navigation"),
    "menu": _l("Menu"),
    "language": _l("Language"),
    "sign_out": _l("Sign out"),
    "ministry": _l("Directorate General of Immigration, Ministry of Immigration and Corrections"),
}
LINKS = {"home": "core.index", "set_language": "core.set_language", "sign_out_url": "auth.logout"}
STYLESHEETS = ("vendor/bootstrap/bootstrap.min.css", "css/app.css")
SCRIPTS = ("vendor/htmx/htmx.min.js", "vendor/bootstrap/bootstrap.bundle.min.js", "js/app.js")

# Stand-ins for the per-request values of the navigation bar (private-use characters: escaping
# leaves them alone and no page text contains them).
_SLOT = "\ue000{}\ue000"
_SLOT_RE = re.compile("\ue000(\\w+)\ue000")


class Layout:
    def __init__(self, app):
        self.app = app
        self._chrome = {}
        self._nav = {}
        self._navbar = {}

    def chrome(self, locale, script_root):
        """Translated sentences (already escaped) and links of the layout."""
        key = (locale, script_root)
        found = self._chrome.get(key)
        if found is None:
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
            self._chrome[key] = found
        return found

    def navbar(self, user, locale, csrf):
        """The body's opening tag and the navigation bar (templates/_navbar.html): rendered once
        per language, role set and active page with stand-ins for the CSRF token, the current
        path and the user's name; each request fills those in, escaped."""
        signed_in = user is not None and user.is_authenticated
        roles = policy.standing(user)
        root = request.script_root
        key = (roles, locale, root, request.endpoint)
        parts = self._navbar.get(key)
        if parts is None:
            html = render_template(
                "_navbar.html",
                nav_items=self.nav(user, locale, root),
                chrome=self.chrome(locale, root),
                current_locale=locale,
                active_endpoint=request.endpoint,
                signed_in=signed_in,
                csrf=_SLOT.format("csrf"),
                next_path=_SLOT.format("next_path"),
                user_name=_SLOT.format("user_name"),
            )
            parts = self._navbar[key] = tuple(_SLOT_RE.split(html))
        values = {
            "csrf": escape(csrf),
            "next_path": escape(request.full_path if request.method == "GET" else ""),
            "user_name": escape(user.name) if signed_in else "",
        }
        # parts alternate: literal markup, slot name, literal markup, ...
        return Markup(  # noqa: S704 - rendered by Jinja (autoescaped); slot values escaped here
            "".join(part if i % 2 == 0 else values[part] for i, part in enumerate(parts))
        )

    def nav(self, user, locale, script_root):
        """(endpoint, label, href) of the navigation entries this user's roles may open."""
        roles = policy.standing(user)  # roles, and e.g. having direct reports
        key = (roles, locale, script_root)
        items = self._nav.get(key)
        if items is None:
            items = []
            for endpoint, label in self.app.extensions["intranet_nav"]:
                pol = policy.policy_for(endpoint, self.app)
                if pol is not None and policy.PUBLIC not in pol and policy.admits(pol, user):
                    items.append((endpoint, str(label), url_for(endpoint)))
            items = self._nav[key] = tuple(items)
        return items
