"""After an htmx swap: where the keyboard focus goes and what the live region says.

A view that answers an inline action (a fragment swapped into the page) tells the browser, in
the ``HX-Trigger-After-Settle`` header, which control to focus next and the sentence to
announce; ``static/js/app.js`` does both once the new content is in the page, and writes the
sentence into the layout's polite live region (``#live-status``, ``templates/base.html``)::

    response = render("x/_row.html", ...)
    return after_swap(response, _("Deliverable approved"), focus="#sub-13 .btn")

``focus`` is a CSS selector: the first element it matches gets the focus. With ``after`` (a
selector of one element), the first match that comes after that element in the page; when
nothing matches there, the last match before it; then ``fallback``. An element that is not a
control itself (a heading, a paragraph) is made focusable with ``tabindex="-1"``.
"""

import json

EVENT = "intranet:after-swap"
HEADER = "HX-Trigger-After-Settle"


def after_swap(response, message=None, *, focus=None, after=None, fallback=None):
    """Add the announcement and the focus rule to ``response`` (returned)."""
    detail = {}
    if message:
        detail["message"] = str(message)
    for name, value in (("focus", focus), ("after", after), ("fallback", fallback)):
        if value:
            detail[name] = value
    triggers = {}
    if response.headers.get(HEADER):
        triggers = json.loads(response.headers[HEADER])
    triggers[EVENT] = detail
    # ASCII JSON: a header is Latin-1 on the wire; \u escapes keep any name intact
    response.headers[HEADER] = json.dumps(triggers, ensure_ascii=True)
    return response
