"""The navigation's groups: each feature's pages sit in a menu named by what it is for, then by
the service's own name ("Izin tinggal — Si Owl"), so a user holding every role still gets one
line of eight menus at 1366 px instead of sixteen links.

A views module says where its ``NAV`` entries go with ``NAV_GROUP``: one of its own
(``NavGroup("owl", _l("Stay permits"), "Si Owl")``) or a shared one below (``ADMIN`` for the
administration pages, ``ACCOUNT`` for the user's own menu). Entries without a group are plain links
(Beranda). A group shows only the entries whose policy admits the user, and is left out when none
does. The counts on a group's button are the user's work waiting there (``intranet.core.inbox``).
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class NavGroup:
    key: str  # also the inbox's group key: its waiting counts are summed on this menu
    label: object  # the function, translated ("Izin tinggal")
    service: str = ""  # the service's own name, the same in every language ("Si Owl")


ADMIN = NavGroup("admin", _l("Administration"))
ACCOUNT = NavGroup("account", _l("Account"))  # the user menu at the right end of the bar


@dataclass(frozen=True)
class Entry:
    endpoint: str
    label: str
    href: str


@dataclass(frozen=True)
class Menu:
    group: NavGroup | None  # None: a plain link (entries holds one)
    label: str
    entries: tuple

    @property
    def key(self):
        return self.group.key if self.group else self.entries[0].endpoint

    def holds(self, endpoint):
        return any(e.endpoint == endpoint for e in self.entries)


def build(declared, admitted, href):
    """Menus of the entries ``admitted(endpoint)``, in the order the groups first appear in
    ``declared`` ([(NavGroup|None, endpoint, label)]); ``href(endpoint)`` makes the links."""
    order, grouped = [], {}
    for group, endpoint, label in declared:
        if not admitted(endpoint):
            continue
        key = group.key if group else ("link", endpoint)
        if key not in grouped:
            grouped[key] = (group, [])
            order.append(key)
        grouped[key][1].append(Entry(endpoint, str(label), href(endpoint)))
    menus = []
    for key in order:
        group, entries = grouped[key]
        label = str(group.label) if group else entries[0].label
        menus.append(Menu(group, label, tuple(entries)))
    return tuple(menus)
