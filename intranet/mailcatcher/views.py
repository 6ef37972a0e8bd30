"""Admins read what the local mail catcher received (development and demo only)."""

import email
import email.policy
import mailbox
import os

from flask import Blueprint, abort, current_app, make_response
from flask_babel import lazy_gettext as _l

from ..core.navigation import ADMIN
from ..core.responses import render
from ..policy import roles

bp = Blueprint("mailcatcher", __name__, url_prefix="/admin/mail")

NAV_GROUP = ADMIN
NAV = [("mailcatcher.list_messages", _l("Local mailbox"))]


def _box():
    directory = current_app.config["MAILCATCHER_DIR"]
    if not os.path.isdir(directory):
        return None
    return mailbox.Maildir(directory, create=False)


def _parse(raw):
    return email.message_from_bytes(raw, policy=email.policy.default)


@bp.get("/")
@roles("admin")
def list_messages():
    box = _box()
    messages = []
    if box is not None:
        for key in box.keys():
            path = os.path.join(box._path, box._lookup(key))
            msg = _parse(box.get_bytes(key))
            messages.append(
                {
                    "key": key,
                    "mtime": os.path.getmtime(path),
                    "subject": msg["subject"] or "",
                    "to": msg["to"] or msg["X-Envelope-To"] or "",
                    "from": msg["from"] or "",
                }
            )
    messages.sort(key=lambda m: m["mtime"], reverse=True)
    return render(
        "mailcatcher/list.html",
        messages=messages[:500],
        total=len(messages),
        enabled=current_app.config.get("MAIL_CATCHER", False),
    )


def _get(key):
    box = _box()
    if box is None or key not in box:
        abort(404)
    return _parse(box.get_bytes(key))


@bp.get("/<key>")
@roles("admin")
def show_message(key):
    msg = _get(key)
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    return render(
        "mailcatcher/show.html",
        key=key,
        msg=msg,
        text=text.get_content() if text is not None else "",
        has_html=html is not None,
    )


@bp.get("/<key>/html")
@roles("admin")
def show_message_html(key):
    msg = _get(key)
    html = msg.get_body(preferencelist=("html",))
    if html is None:
        abort(404)
    response = make_response(html.get_content())
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    # Rendered mail is untrusted: no scripts, no same-origin access, no remote loads.
    response.headers["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    )
    return response
