"""One outbox e-mail: its detail (rendered text, attempts, errors; reading it is audited), its
HTML part (shown sandboxed) and its retry button."""

from flask import abort, make_response, url_for
from flask_babel import gettext as _

from ...audit.services import record
from ...core.actor import actor
from ...core.refusals import act
from ...core.responses import render
from ...policy import roles
from .. import admin
from ..models import OutboxMessage
from ..rendering import loads_context, redact, render_email
from .blueprint import bp


def _message_or_404(message_id):
    row = OutboxMessage.get_or_none(OutboxMessage.id == message_id)
    if row is None:
        abort(404)
    return row


@bp.get("/admin/outbox/<int:message_id>")
@roles("admin")
def show_message(message_id):
    row = _message_or_404(message_id)
    context = redact(loads_context(row.context))
    error = None
    subject = text = ""
    try:
        subject, text, _html = render_email(row.template, context, row.language)
    except Exception as exc:  # a broken template or context: show why, not a 500
        error = f"{exc.__class__.__name__}: {exc}"
    # The rendered text may hold pay amounts or permit data: reading it is audited.
    record("notify.message_viewed", row, detail={"kind": row.kind})
    return render(
        "notify/message.html",
        row=row,
        subject=subject,
        text=text,
        render_error=error,
        error_lines=[line for line in row.error_log.splitlines() if line],
    )


@bp.get("/admin/outbox/<int:message_id>/html")
@roles("admin")
def message_html(message_id):
    row = _message_or_404(message_id)
    try:
        _subject, _text, html = render_email(
            row.template, redact(loads_context(row.context)), row.language
        )
    except Exception:
        abort(404)
    response = make_response(html)
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    # E-mail HTML uses inline styles; it is shown sandboxed, with no scripts and no remote loads.
    # A policy of its own, stricter than the pages' (``csp.allow`` can only add sources).
    response.headers["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    )
    return response


@bp.post("/admin/outbox/<int:message_id>/retry")
@roles("admin")
def retry_message(message_id):
    _message_or_404(message_id)
    return act(
        lambda: admin.retry_message(message_id, actor=actor()),
        back=url_for("notify.show_message", message_id=message_id),
        success=_("The message is queued again."),
    )
