"""Every per-process cache of the intranet, in one registry: named, bounded, clearable, and
switched off together.

List pages reach their speed target (DESIGN §7) by working each distinct thing out once: a
country's name in a language, a row's markup, a part of the page. Each such cache is made here:

    _ROWS = caches.Cache("outbox.rows", maxsize=5000)
    html = _ROWS.get(key)                      # None on a miss
    if html is None:
        html = _ROWS.put(key, render_row(row))

    @caches.memoize("owl.country_names", maxsize=8)
    def country_names(locale): ...

Rules (DESIGN §5):

- a key holds everything the cached value shows (language, script root, filters, counts, the
  row's columns); nothing that changes while the process runs may be left out of it;
- every cache is bounded: when full, it is emptied (the next requests fill it again) - simple,
  and a full cache means the key space is larger than the cache anyway;
- ``clear_all()`` empties every cache (tests between cases, a settings change);
- ``SPEEDUPS = False`` in the config (or ``with caches.disabled():`` in a test) turns every cache
  and every faster stand-in for a Flask helper (``intranet.core.speedups``) off, so a test can
  render each list page both ways and assert the same HTML (``tests/core/test_speedups.py``).
"""

import contextlib
import functools
import threading

_REGISTRY = {}
_state = threading.local()
_enabled = [True]  # the process-wide switch (config SPEEDUPS); a thread may turn it off


def enabled():
    """True when caches and speed-ups are in use for this thread."""
    # (the thread's own dict: getattr with a default raises and catches inside, ~10x slower)
    return _state.__dict__.get("enabled", _enabled[0])


def set_enabled(value):
    """The process-wide switch (``create_app`` sets it from ``SPEEDUPS``)."""
    _enabled[0] = bool(value)
    clear_all()


@contextlib.contextmanager
def disabled():
    """Within the block, this thread renders without caches or speed-ups."""
    previous = getattr(_state, "enabled", None)
    _state.enabled = False
    try:
        yield
    finally:
        if previous is None:
            del _state.enabled
        else:
            _state.enabled = previous


class Cache:
    """A bounded, named dictionary in the registry."""

    def __init__(self, name, maxsize):
        if name in _REGISTRY:
            raise ValueError(f"a cache named {name!r} already exists")
        self.name = name
        self.maxsize = maxsize
        self._data = {}
        _REGISTRY[name] = self

    def get(self, key, default=None):
        if not enabled():
            return default
        return self._data.get(key, default)

    def put(self, key, value):
        """Keep ``value`` under ``key`` (when speed-ups are on) and return it."""
        if enabled():
            if len(self._data) >= self.maxsize and key not in self._data:
                self._data.clear()
            self._data[key] = value
        return value

    def get_or_make(self, key, make):
        """The value under ``key``, made by ``make()`` on a miss."""
        value = self.get(key, _MISSING)
        if value is _MISSING:
            value = self.put(key, make())
        return value

    def clear(self):
        self._data.clear()

    def __len__(self):
        return len(self._data)

    def __repr__(self):
        return f"<Cache {self.name} {len(self._data)}/{self.maxsize}>"


_MISSING = object()


def memoize(name, maxsize):
    """A registered, bounded ``functools.lru_cache`` for a pure function of hashable arguments."""

    def decorate(func):
        cache = Cache(name, maxsize)

        @functools.wraps(func)
        def wrapper(*args):
            return cache.get_or_make(args, lambda: func(*args))

        wrapper.cache = cache
        wrapper.cache_clear = cache.clear
        return wrapper

    return decorate


def clear_all():
    for cache in _REGISTRY.values():
        cache.clear()


def registry():
    """{name: Cache} of every cache made so far (for tests and the admin's health page)."""
    return dict(_REGISTRY)
