"""The Content-Security-Policy of every page, with the extra sources a view asks for.

The base policy allows only the intranet's own origin. A page that must load something from
elsewhere (Si Cempaka's map tiles from a configured tile server) says so while it handles the
request, and the header is built from the base and those additions once, after the view:

    from intranet.core import csp
    csp.allow("img-src", "https://tiles.example.org")

Nothing rewrites a finished header, and the order blueprints are registered in does not matter.
"""

from flask import g

BASE = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def allow(directive, *sources):
    """Add ``sources`` to ``directive`` for the current response."""
    if directive not in BASE:
        raise ValueError(f"unknown CSP directive {directive!r}")
    extra = g.setdefault("_csp_extra", {})
    for source in sources:
        if source and source not in extra.setdefault(directive, []):
            extra[directive].append(source)


def build(configured=None, extra=None):
    """The header's value: the base, the app's configured additions ({directive: [source]}) and
    this request's."""
    parts = []
    for directive, sources in BASE.items():
        values = list(sources)
        for more in (configured or {}, extra or {}):
            values += [s for s in more.get(directive, ()) if s not in values]
        parts.append(f"{directive} {' '.join(values)}")
    return "; ".join(parts)


def for_request(configured=None):
    return build(configured, g.get("_csp_extra"))
