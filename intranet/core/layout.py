"""What the shared layout (templates/base.html) shows around every page, worked out once.

Every signed-in page pays for the layout, so its fixed parts are not recomputed per request:
the navigation for a set of roles, the layout's own sentences and its links are built once per
(roles, language, script root) and reused.
"""

from flask import url_for
from flask_babel import lazy_gettext as _l
from markupsafe import escape

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


class Layout:
    def __init__(self, app):
        self.app = app
        self._chrome = {}
        self._nav = {}

    def chrome(self, locale, script_root):
        """Translated sentences (already escaped) and links of the layout."""
        key = (locale, script_root)
        found = self._chrome.get(key)
        if found is None:
            found = {name: escape(str(text)) for name, text in STRINGS.items()}
            found.update({name: url_for(endpoint) for name, endpoint in LINKS.items()})
            self._chrome[key] = found
        return found

    def nav(self, user, locale, script_root):
        """(endpoint, label, href) of the navigation entries this user's roles may open."""
        roles = user.role_names if user is not None and user.is_authenticated else None
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
