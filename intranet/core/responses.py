"""Response helpers shared by every feature: page-or-fragment rendering and htmx redirects."""

from flask import make_response, redirect, render_template, request
from markupsafe import Markup

from . import caches


def is_fragment_request():
    """True for htmx requests that want a fragment (not boosted navigation)."""
    hx = getattr(request, "htmx", None)
    return bool(hx) and not hx.boosted


# The element every page's content sits in (base.html). A request that swaps it - a boosted
# form, or an ``hx-post`` form with ``hx-target="#main" hx-select="#main"`` - gets the whole page
# back, whatever its status: a fragment has no ``#main``, and ``hx-select`` would find nothing
# and empty the page (issue 15 item 1: the typed fields and the error message were lost).
PAGE_TARGET = "main"


def wants_page():
    """True when the response must be a whole page: ordinary and boosted requests, and htmx
    requests aimed at the page's ``#main``."""
    hx = getattr(request, "htmx", None)
    return not hx or hx.boosted or hx.target == PAGE_TARGET


def render(template, _status=200, **context):
    """Render a page; the same template renders as a fragment for htmx requests that swap a part
    of the page (``wants_page``).

    Templates extend ``layout`` (``base.html`` or ``_fragment.html``). ``_status`` is the HTTP
    status (underscored so a template variable may be called ``status``)."""
    context.setdefault("layout", "base.html" if wants_page() else "_fragment.html")
    return make_response(render_template(template, **context), _status)


def render_invalid(template, **context):
    """Validation errors: re-render the form with 422 (htmx is configured to swap 422)."""
    return render(template, _status=422, **context)


def hx_redirect(location):
    response = make_response("", 204)
    response.headers["HX-Redirect"] = location
    return response


def redirect_to(location):
    """POST/redirect/GET that also works for htmx form posts."""
    if is_fragment_request():
        return hx_redirect(location)
    return redirect(location, code=303)


_PARTS = caches.Cache("responses.parts", maxsize=256)


def render_part(template, key, context):
    """A part of a page rendered once per distinct ``key`` and reused while nothing in it
    changes: ``key`` must hold everything the part shows (language, filters, counts, the
    session's CSRF token if it has a form, ...); the template and the script root are added
    here. ``context`` is called only on a miss. For the heavy, rarely changing parts of list
    pages (filter forms, counts)."""
    key = (template, request.script_root, key)
    return _PARTS.get_or_make(
        key,
        lambda: Markup(render_template(template, **context())),  # noqa: S704 - Jinja, escaped
    )
