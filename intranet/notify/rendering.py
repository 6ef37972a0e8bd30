"""Rendering outbox rows into multipart e-mails, at send time, in the recipient's language.

A template pair ``templates/<name>.txt`` + ``templates/<name>.html``: the ``.txt`` sets the subject
with ``{% set subject %}…{% endset %}`` and is the plain-text body; the ``.html`` extends
``email/layout.html``. Both see the row's context plus ``subject`` (html only), ``language`` and
``office_name``. E-mail HTML may use inline CSS (mail is not served under the intranet's CSP) and
never loads remote images.
"""

import binascii
import datetime as dt
import email.utils
import hashlib
import json
import uuid
from decimal import Decimal
from email.header import Header

from flask import current_app
from flask_babel import force_locale, get_translations
from markupsafe import Markup

from ..core import caches

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


@caches.memoize("notify.bound_gettext", maxsize=16)
def _bound_gettext(translations, html):
    """``gettext``/``ngettext`` for the templates of one kind (``html``: autoescaped), bound to
    one language's catalog: the same behaviour as Flask-Babel's (Jinja's new-style gettext:
    ``%(name)s`` variables, autoescaped in HTML), without looking the catalog up again for each
    of the dozens of strings of an e-mail, nor asking Jinja for the template's context on each
    call (an e-mail's ``.txt`` is never autoescaped, its ``.html`` always is)."""
    ugettext, ungettext = translations.ugettext, translations.ungettext
    # HTML: our own catalog's text is markup, and the variables are escaped by Markup's %.
    kind = Markup if html else str
    plain = {}  # the strings without variables, each worked out once per catalog and kind

    def gettext(__string, **variables):
        if variables:
            return kind(ugettext(__string)) % variables
        text = plain.get(__string)
        if text is None:
            text = plain[__string] = kind(ugettext(__string)) % variables
        return text

    def ngettext(__singular, __plural, __num, **variables):
        variables.setdefault("num", __num)
        return kind(ungettext(__singular, __plural, __num)) % variables

    return gettext, ngettext


def _context(context, language, html):
    ctx = dict(context)
    ctx["language"] = language
    ctx["office_name"] = current_app.config["OFFICE_NAME"]
    ctx["gettext"], ctx["ngettext"] = _bound_gettext(get_translations(), html)
    ctx["_"] = ctx["gettext"]  # what Jinja's ``_`` alias would look up and call
    return ctx


def render_text(template, context, language):
    """(subject, text) of a template pair in ``language``: its ``.txt``."""
    with force_locale(language):
        ctx = _context(context, language, html=False)
        module = current_app.jinja_env.get_template(template + ".txt").make_module(ctx)
        subject = " ".join(str(getattr(module, "subject", "") or "").split())
        text = str(module).strip() + "\n"
    return subject, text


def render_html(template, context, language, subject):
    """The HTML part of a template pair in ``language`` (its ``.html``), under ``subject``."""
    with force_locale(language):
        ctx = _context(context, language, html=True)
        ctx["subject"] = subject
        return current_app.jinja_env.get_template(template + ".html").render(ctx)


def render_email(template, context, language):
    """(subject, text, html) for a template pair in ``language``."""
    subject, text = render_text(template, context, language)
    return subject, text, render_html(template, context, language, subject)


def check_templates(template):
    """Raise jinja2's TemplateNotFound now rather than at send time."""
    env = current_app.jinja_env
    env.get_template(template + ".txt")
    env.get_template(template + ".html")


@caches.memoize("notify.sender", maxsize=8)
def _sender(configured):
    """(display name, address, From header) of the configured sender."""
    name, address = email.utils.parseaddr(configured)
    address = address or configured
    header = email.utils.formataddr((name, address), charset="utf-8") if name else address
    return name, address, header


def message_id_for(row_id, key):
    """Stable per row: a re-sent copy carries the same Message-ID, so mail clients show it once."""
    address = _sender(current_app.config["MAIL_DEFAULT_SENDER"])[1]
    domain = address.rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"<outbox.{row_id}.{digest}@{domain}>"


def _header(value):
    """A header value: as is when short ASCII, else RFC 2047 encoded and folded."""
    try:
        value.encode("ascii")
        if len(value) <= 76:
            return value
        charset = "us-ascii"
    except UnicodeEncodeError:
        charset = "utf-8"
    return Header(value, charset).encode(linesep="\r\n")


def _base64_lines(body):
    """UTF-8 in base64, 76-character lines ending in CRLF (``base64.encodebytes`` encodes the
    same lines 57 bytes at a time, then needs its newlines replaced: a third slower)."""
    encoded = binascii.b2a_base64(body.encode("utf-8"), newline=False)
    lines = [encoded[i : i + 76] for i in range(0, len(encoded), 76)]
    lines.append(b"")
    return b"\r\n".join(lines) if encoded else b""


def build_message(row, subject, text, html):
    """(envelope sender, recipients, message bytes, Message-ID): multipart/alternative, text then
    HTML, UTF-8 in base64 (76-character lines), CRLF line ends.

    Written directly rather than with flask-mail's ``Message`` (the standard library's generic
    MIME generator behind it costs several times more per message than rendering the templates);
    flask-mail still owns the SMTP connection and its settings (server, TLS, login). Every header
    value is a single line: the subject has its whitespace collapsed and addresses are validated.
    """
    _name, address, from_header = _sender(current_app.config["MAIL_DEFAULT_SENDER"])
    message_id = message_id_for(row.id, row.key)
    boundary = "=_outbox_" + uuid.uuid4().hex  # "=_" never occurs in base64 or our headers
    headers = [
        ("From", from_header),
        ("To", row.to_address),
    ]
    if row.cc_list:
        headers.append(("Cc", ", ".join(row.cc_list)))
    headers += [
        ("Subject", _header(subject)),
        ("Date", email.utils.formatdate(usegmt=True)),
        ("Message-ID", message_id),
        ("Auto-Submitted", "auto-generated"),  # RFC 3834: no auto-replies, please
        ("Content-Language", row.language),
        ("MIME-Version", "1.0"),
        ("Content-Type", f'multipart/alternative; boundary="{boundary}"'),
    ]
    head = "".join(f"{k}: {v}\r\n" for k, v in headers).encode("ascii")
    parts = [head, b"\r\n"]
    for subtype, body in (("plain", text), ("html", html)):
        parts.append(
            f'--{boundary}\r\nContent-Type: text/{subtype}; charset="utf-8"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n".encode("ascii")
        )
        parts.append(_base64_lines(body))
    parts.append(f"--{boundary}--\r\n".encode("ascii"))
    return address, [row.to_address, *row.cc_list], b"".join(parts), message_id
