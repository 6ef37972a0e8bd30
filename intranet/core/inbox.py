"""Beranda's work inbox: what waits for this user, as counts that link to the filtered lists.

A feature that gives people work declares an inbox module (``inbox=`` in its ``FEATURE``) with

    def items(user) -> list[Item]

returning an item for each kind of work the user's roles have there, even when nothing waits (a
zero says "checked, nothing to do"), each linking to the page that lists exactly those items. The
counts are read on every Beranda view, so each must be one indexed query; the navigation's menus
show the same counts as badges, kept ``BADGE_SECONDS`` per user so the bar on every other page
costs nothing.
"""

import datetime as dt
import importlib
import time
from dataclasses import dataclass

from . import caches

BADGE_SECONDS = 30


@dataclass(frozen=True)
class Item:
    group: str  # the navigation menu it belongs to (``NavGroup.key``)
    key: str  # stable name, e.g. "cempaka.to_review" (the page's element id)
    label: str  # what waits, translated ("Deliverables to review")
    count: int
    href: str  # the list of exactly these items
    detail: str = ""  # e.g. "the oldest has waited 3 days"
    badge: bool = True  # counted on its menu's badge (False: a state, not work)
    urgent: bool = False  # past a deadline or a standard


def _providers():
    from .. import features

    return [importlib.import_module(name) for name in features.modules("inbox")]


def items(user):
    """Every item of every feature for ``user``, in navigation order of the features."""
    found = []
    for module in _providers():
        found.extend(module.items(user))
    return found


_BADGES = caches.Cache("inbox.badges", maxsize=4096)  # user id -> (until, {group: count})


def badges(user):
    """{group key: count of work waiting} for the navigation's menus, at most ``BADGE_SECONDS``
    old (Beranda itself always counts afresh and refreshes these)."""
    kept = _BADGES.get(user.id)
    if kept is not None and kept[0] > time.monotonic():
        return kept[1]
    return remember(user, items(user))


def remember(user, found):
    """Keep the badges of the items just counted (Beranda) and return them."""
    counts = {}
    for item in found:
        if item.badge and item.count:
            counts[item.group] = counts.get(item.group, 0) + item.count
    _BADGES.put(user.id, (time.monotonic() + BADGE_SECONDS, counts))
    return counts


def waited(since, now=None):
    """ "3 days", "5 hours", "12 minutes": how long something has waited since ``since`` (naive
    UTC), in the page's language."""
    from flask_babel import ngettext

    from ..models import utcnow

    if isinstance(since, str):  # SQLite hands an aggregate's datetime back as text
        since = dt.datetime.fromisoformat(since)
    seconds = max(0, ((now or utcnow()) - since).total_seconds())
    if seconds >= 86400:
        n = int(seconds // 86400)
        return ngettext("%(num)d day", "%(num)d days", n)
    if seconds >= 3600:
        n = int(seconds // 3600)
        return ngettext("%(num)d hour", "%(num)d hours", n)
    n = int(seconds // 60)
    return ngettext("%(num)d minute", "%(num)d minutes", n)
