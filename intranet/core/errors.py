"""htmx-aware error pages: full pages for navigation, a message in the flash area for htmx."""

import logging

from flask import render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


def _messages():
    return {
        400: _("The request could not be understood. Reload the page and try again."),
        403: _("You do not have access to this page."),
        404: _("The page or record was not found."),
        405: _("This action is not allowed here."),
        413: _("The upload is too large."),
        429: _("Too many requests. Wait a moment and try again."),
        500: _("Something went wrong on our side. The error was recorded; please try again."),
        503: _("The service is temporarily unavailable. Please try again shortly."),
    }


def _render_error(code, message):
    hx = getattr(request, "htmx", None)
    if hx and not hx.boosted:
        body = render_template("errors/_error_fragment.html", code=code, message=message)
        # The message goes into the flash area whatever the request aimed at; "unset" drops
        # the form's own hx-select (``#main``), which the message does not have.
        headers = {"HX-Retarget": "#flash-area", "HX-Reswap": "beforeend", "HX-Reselect": "unset"}
        return body, code, headers
    layout = "base.html"
    return render_template("errors/error.html", code=code, message=message, layout=layout), code


def register_error_handlers(app):
    @app.errorhandler(CSRFError)
    def _csrf_error(exc):
        return _render_error(
            400,
            _(
                "Your form has expired or was sent without its security token. "
                "Reload the page and try again."
            ),
        )

    @app.errorhandler(HTTPException)
    def _http_error(exc):
        code = exc.code or 500
        message = _messages().get(code) or exc.description
        return _render_error(code, message)

    @app.errorhandler(Exception)
    def _unhandled(exc):
        log.exception("unhandled error on %s %s", request.method, request.path)
        if app.config.get("PROPAGATE_EXCEPTIONS_IN_TESTS"):
            raise exc
        return _render_error(500, _messages()[500])
