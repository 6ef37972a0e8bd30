"""Rendering outbox rows into multipart e-mails, at send time, in the recipient's language.

A template pair ``templates/<name>.txt`` + ``templates/<name>.html``: the ``.txt`` sets the subject
with ``{% set subject %}…{% endset %}`` and is the plain-text body; the ``.html`` extends
``email/layout.html``. Both see the row's context plus ``subject`` (html only), ``language`` and
``office_name``. E-mail HTML may use inline CSS (mail is not served under the intranet's CSP) and
never loads remote images.
"""

import datetime as dt
import email.utils
import hashlib
import json
import re
from decimal import Decimal

from flask import current_app
from flask_babel import force_locale
from flask_mail import Message

# ----- context codec: JSON plus dates, datetimes and decimals ------------------------------------

SECRET_PREFIX = "secret_"  # noqa: S105 - context keys never shown to admins, wiped once the mail is sent
REDACTED = "[redacted]"


def _encode(value):
    if isinstance(value, dt.datetime):
        return {"__datetime__": value.isoformat()}
    if isinstance(value, dt.date):
        return {"__date__": value.isoformat()}
    if isinstance(value, Decimal):
        return {"__decimal__": str(value)}
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"e-mail context value of type {type(value).__name__} is not serialisable")


def _decode(obj):
    if len(obj) == 1:
        if "__datetime__" in obj:
            return dt.datetime.fromisoformat(obj["__datetime__"])
        if "__date__" in obj:
            return dt.date.fromisoformat(obj["__date__"])
        if "__decimal__" in obj:
            return Decimal(obj["__decimal__"])
    return obj


def dumps_context(context):
    return json.dumps(context or {}, default=_encode, ensure_ascii=False, sort_keys=True)


def loads_context(text):
    return json.loads(text or "{}", object_hook=_decode)


def redact(context):
    return {k: (REDACTED if k.startswith(SECRET_PREFIX) else v) for k, v in context.items()}


# ----- rendering ----------------------------------------------------------------------------------


class RenderError(Exception):
    """The row cannot be rendered (missing template, template error): retrying will not help."""


def render_email(template, context, language):
    """(subject, text, html) for a template pair in ``language``."""
    env = current_app.jinja_env
    ctx = dict(context)
    ctx["language"] = language
    ctx["office_name"] = current_app.config["OFFICE_NAME"]
    with force_locale(language):
        module = env.get_template(template + ".txt").make_module(ctx)
        subject = " ".join(str(getattr(module, "subject", "") or "").split())
        text = str(module).strip() + "\n"
        ctx["subject"] = subject
        html = env.get_template(template + ".html").render(ctx)
    return subject, text, html


def check_templates(template):
    """Raise jinja2's TemplateNotFound now rather than at send time."""
    env = current_app.jinja_env
    env.get_template(template + ".txt")
    env.get_template(template + ".html")


def message_id_for(row_id, key):
    """Stable per row: a re-sent copy carries the same Message-ID, so mail clients show it once."""
    sender = email.utils.parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
    domain = sender.rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"<outbox.{row_id}.{digest}@{domain}>"


_BARE_LF = re.compile(rb"(?<!\r)\n")


def build_message(row, subject, text, html):
    """(envelope sender, recipients, message bytes with CRLF line ends) via flask-mail."""
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    msg = Message(
        subject=subject,
        recipients=[row.to_address],
        cc=row.cc_list,
        body=text,
        html=html,
        sender=sender,
        extra_headers={
            "Auto-Submitted": "auto-generated",  # RFC 3834: no auto-replies, please
            "Content-Language": row.language,
        },
    )
    msg.msgId = message_id_for(row.id, row.key)
    msg.date = dt.datetime.now(dt.UTC).timestamp()
    # flask-mail writes bare LF line ends; SMTP (RFC 5321) wants CRLF, and strict servers
    # (aiosmtpd among them) refuse long bare-LF "lines".
    data = _BARE_LF.sub(b"\r\n", msg.as_bytes())
    envelope_from = email.utils.parseaddr(sender)[1] or sender
    return envelope_from, [row.to_address, *row.cc_list], data, msg.msgId
