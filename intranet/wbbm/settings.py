"""The figures' targets: office settings (``wbbm.targets`` in intranet.core.models.Setting, a
JSON object {figure key: number or null}); a figure without a stored target has its default
(``definitions.FIGURES``). ``CLOSE_MARGIN`` is how far from the target (a share of it, or at
least ``CLOSE_MIN`` in the figure's unit) still counts as "close" rather than "off".

What every dashboard view reads (the targets, the time of the last roll-up, the units) is kept
per process for at most ``CACHE_SECONDS`` (``cached``); a change made in this process (saving
the targets, a roll-up) forgets it at once, other processes see it within that time."""

import time

from flask import current_app

from ..core import caches
from ..core.models import get_setting, set_setting
from .definitions import FIGURES

CACHE_SECONDS = 10
_KEPT = caches.Cache("wbbm.settings", maxsize=64)


def cached(name, make):
    """``make()``, kept per app and process for CACHE_SECONDS."""
    key = (current_app._get_current_object(), name)
    hit = _KEPT.get(key)
    now = time.monotonic()
    if hit is not None and hit[0] > now:
        return hit[1]
    value = make()
    _KEPT.put(key, (now + CACHE_SECONDS, value))
    return value


def forget():
    _KEPT.clear()


KEY = "wbbm.targets"
CLOSE_MARGIN = 0.10
CLOSE_MIN = 1.0


def targets():
    return dict(cached("targets", _read_targets))


def _read_targets():
    stored = get_setting(KEY, {}) or {}
    out = {}
    for figure in FIGURES:
        value = stored.get(figure.key, figure.target) if figure.key in stored else figure.target
        out[figure.key] = float(value) if value is not None else None
    return out


def save_targets(values):
    """Store {figure key: number or None} for the known figures."""
    known = {f.key for f in FIGURES}
    set_setting(KEY, {k: v for k, v in values.items() if k in known})
    forget()
