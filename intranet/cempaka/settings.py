"""Si Cempaka's office settings (intranet.core.models Setting rows) with their defaults.

Read once per request (one query for all of them); written by the admin settings page.
Whether a missing location blocks a submission can be set for the office, per unit and per
employee (the most specific one wins).
"""

import datetime as dt
import json
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, g, has_request_context

from ..core import caches
from ..core.models import Setting, set_setting
from ..extensions import db

PREFIX = "cempaka."

DEFAULTS = {
    "radius_m": 500,  # farther than this from the registered WFH place is flagged
    "accuracy_max_m": 100,  # a reported accuracy worse than this is flagged
    "work_start": "07:30",  # DESIGN §9: 37.5 h over 5 days from 07:30 WIB
    "work_end": "16:00",
    "work_end_friday": "16:30",  # 90-minute break on Friday
    "work_days": [1, 2, 3, 4, 5],  # ISO weekdays
    "missing_location": "flag",  # "flag" or "block"; overridden per unit / per employee
    "retention_days": 90,  # then coordinates are reduced to coarse_decimals
    "coarse_decimals": 2,  # 2 decimals ~ 1.1 km
    "max_file_mb": 10,
    "max_total_mb": 20,
    "max_files": 5,
    "max_backdate_days": 7,  # how far back a work date may be
    "geo_timeout_s": 20,
    "tile_url": "",  # empty: no map tiles, markers and distances only
    "tile_attribution": "",
}

MISSING_CHOICES = ("flag", "block")


def key(name):
    return PREFIX + name


def unit_override_key(unit_id):
    return f"{PREFIX}missing_location.unit.{int(unit_id)}"


def user_override_key(user_id):
    return f"{PREFIX}missing_location.user.{int(user_id)}"


@dataclass(frozen=True)
class CempakaSettings:
    radius_m: float
    accuracy_max_m: float
    work_start: str
    work_end: str
    work_end_friday: str
    work_days: tuple
    missing_location: str
    retention_days: int
    coarse_decimals: int
    max_file_mb: float
    max_total_mb: float
    max_files: int
    max_backdate_days: int
    geo_timeout_s: int
    tile_url: str
    tile_attribution: str

    @property
    def max_file_bytes(self):
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def max_total_bytes(self):
        return int(self.max_total_mb * 1024 * 1024)

    def working_window(self, day):
        """(start, end) as times for a date, or None on a non-working day."""
        if day.isoweekday() not in self.work_days:
            return None
        end = self.work_end_friday if day.isoweekday() == 5 else self.work_end
        return parse_hhmm(self.work_start), parse_hhmm(end)

    @property
    def tile_origin(self):
        return tile_origin(self.tile_url)


def parse_hhmm(text):
    hours, minutes = str(text).split(":")
    return dt.time(int(hours), int(minutes))


def tile_origin(url):
    """The CSP source for a tile URL template: '' for none or same-origin, else scheme://host
    ({s} subdomains become a wildcard)."""
    if not url or url.startswith("/"):
        return ""
    parts = urlsplit(url.replace("{s}", "tiles"))
    host = parts.netloc
    if "{s}" in url:
        host = "*." + host.split(".", 1)[1] if "." in host else host
    return f"{parts.scheme}://{host}"


def load(fresh=False):
    """All office settings in one query (cached on the request)."""
    if has_request_context() and not fresh:
        cached = g.get("_cempaka_settings")
        if cached is not None:
            return cached
    values = dict(DEFAULTS)
    rows = Setting.select(Setting.key, Setting.value).where(
        Setting.key.in_([key(k) for k in DEFAULTS])
    )
    for row in rows:
        values[row.key[len(PREFIX) :]] = json.loads(row.value)
    values["work_days"] = tuple(int(d) for d in values["work_days"])
    result = CempakaSettings(**values)
    if has_request_context():
        g._cempaka_settings = result
    return result


# The database in use -> (when it was read, origin); one database at a time (maxsize 1).
_ORIGIN_CACHE = caches.Cache("cempaka.tile_origin", maxsize=1)
ORIGIN_TTL_SECONDS = 10


def cached_tile_origin():
    """The tile server's origin for the CSP of every Si Cempaka page, read at most every few
    seconds per process (not under test, where every request reads it)."""
    if current_app.testing:
        return load().tile_origin
    now = time.monotonic()
    marker = id(db.obj)
    hit = _ORIGIN_CACHE.get(marker)
    if hit is not None and now - hit[0] < ORIGIN_TTL_SECONDS:
        return hit[1]
    origin = load().tile_origin
    _ORIGIN_CACHE.clear()
    _ORIGIN_CACHE.put(marker, (now, origin))
    return origin


def save(values):
    """Write changed office settings; returns the names that changed."""
    current = load(fresh=True)
    changed = []
    for name, value in values.items():
        if name not in DEFAULTS:
            raise KeyError(name)
        old = getattr(current, name)
        if isinstance(old, tuple):
            old = list(old)
        if old != value:
            set_setting(key(name), value)
            changed.append(name)
    if has_request_context():
        g.pop("_cempaka_settings", None)
    _ORIGIN_CACHE.clear()
    return changed


def missing_location_policy(user, settings=None):
    """'block' or 'flag' for this employee: their own override, else their unit's, else the
    office's."""
    settings = settings or load()
    keys = [user_override_key(user.id)]
    if user.unit_id:
        keys.append(unit_override_key(user.unit_id))
    found = {r.key: r.value for r in Setting.select().where(Setting.key.in_(keys))}
    for k in keys:
        if k in found:
            value = json.loads(found[k])
            if value in MISSING_CHOICES:
                return value
    return settings.missing_location


def overrides():
    """[(kind, id, value)] for every per-unit and per-employee override."""
    result = []
    rows = Setting.select().where(Setting.key.startswith(PREFIX + "missing_location."))
    for row in rows:
        parts = row.key.split(".")
        if len(parts) == 4 and parts[2] in ("unit", "user") and parts[3].isdigit():
            result.append((parts[2], int(parts[3]), json.loads(row.value)))
    return result


def set_override(kind, object_id, value):
    k = unit_override_key(object_id) if kind == "unit" else user_override_key(object_id)
    set_setting(k, value)


def remove_override(kind, object_id):
    k = unit_override_key(object_id) if kind == "unit" else user_override_key(object_id)
    return Setting.delete().where(Setting.key == k).execute()
