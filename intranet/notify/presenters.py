"""Markup of the outbox list, built in Python: the page lists 50 rows on every view, so each row
is written in one go (dates in WIB without Babel, text escaped once per distinct value) rather
than field by field in Jinja, and kept per process while the row is unchanged."""

import datetime as dt
import functools
from urllib.parse import urlencode

from babel.dates import get_month_names
from flask import current_app
from flask_babel import gettext as _
from jinja2.filters import do_truncate
from markupsafe import Markup, escape

from ..core import caches
from ..core.filters import to_wib
from . import labels as notify_labels
from .models import DEAD, FAILED, SENT, STATUSES

STATUS_COLOURS = {
    "queued": "secondary",
    "sending": "info",
    "sent": "success",
    "failed": "warning",
    "dead": "danger",
}


@caches.memoize("notify.month_names", maxsize=4)
def _month_names(locale):
    names = get_month_names("abbreviated", locale=locale)
    return {month: names[month] for month in range(1, 13)}


_STATUS_LABELS = caches.Cache("notify.status_labels", maxsize=8)


def status_labels(locale):
    """{status: label} as text in ``locale`` (the request's language), worked out once."""
    return _STATUS_LABELS.get_or_make(
        locale, lambda: {k: str(v) for k, v in notify_labels.STATUS_LABELS.items()}
    )


_SEVEN_HOURS = dt.timedelta(hours=7)


def _wib_text(value, months):
    """What the ``wib`` filter writes ("27 Nov 2026 10:00 WIB") for a raw column value (a
    datetime, or SQLite's ISO text): Jakarta has kept UTC+7 since 1964, so later times are
    shifted without a time-zone lookup."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.year < 1970:
        local = to_wib(value)
    else:
        local = value + _SEVEN_HOURS
    return f"{local.day} {months[local.month]} {local.year} {local.hour:02d}:{local.minute:02d} WIB"


# One row of the outbox table.
_ROW_HTML = (
    '<tr data-id="{id}">'
    '<td><a href="{detail}{id}">{id}</a></td>'
    '<td class="text-nowrap">{created}</td>'
    '<td data-kind="{kind}">{kind_label}</td>'
    '<td class="text-break">{to}</td>'
    "<td>{subject}</td>"
    '<td><span class="badge text-bg-{colour}" data-status="{status}">{label}</span></td>'
    '<td class="text-end">{attempts}</td>'
    '<td class="text-break">{last}</td>'
    "</tr>\n"
)
_LAST_ERROR = '<span class="text-muted">{error}</span>'
_LAST_RETRY = '{next_try}<br><span class="text-muted">{error}</span>'

# (language, link prefix, the row's columns) -> the row's markup
_ROWS = caches.Cache("notify.outbox_rows", maxsize=5000)


def display_rows(rows, locale, labels, detail_base):
    """The table rows of one page, as markup: dates in WIB without Babel, text escaped once.
    A row's markup depends only on its columns, the language and the link prefix (which holds
    the script root), so it is kept per process (up to 5,000 rows) and reused while the row is
    unchanged (a sent row never changes again); any change to a shown column makes a new key."""
    out = []
    missing = []
    for row in rows:
        html = _ROWS.get((locale, detail_base, row))
        if html is None:
            missing.append(len(out))
        out.append(html or row)
    if missing:
        months = _month_names(locale)
        truncate = functools.partial(do_truncate, current_app.jinja_env, length=120)
        detail = escape(detail_base)
        for i in missing:
            row = out[i]
            out[i] = _ROWS.put(
                (locale, detail_base, row), _row_html(row, months, labels, detail, truncate)
            )
    return Markup("".join(out))  # noqa: S704 - every value in a row is escaped or a number


def _row_html(row, months, labels, detail, truncate):
    rid, created, kind, to, subject, template, status, attempts, error, after, sent = row
    if status == SENT:
        last = _wib_text(sent, months)
    else:
        error_html = escape(truncate(error or ""))
        if status == FAILED:
            next_try = escape(_("next try %(when)s", when=_wib_text(after, months)))
            last = _LAST_RETRY.format(next_try=next_try, error=error_html)
        else:
            last = _LAST_ERROR.format(error=error_html)
    return _ROW_HTML.format(
        id=int(rid),
        detail=detail,
        created=_wib_text(created, months),
        kind=escape(kind),
        kind_label=escape(notify_labels.kind_label(kind)),
        to=escape(to),
        subject=escape(subject or template),
        colour=STATUS_COLOURS.get(status, "secondary"),
        status=escape(status),
        label=escape(labels.get(status, status)),
        attempts=int(attempts),
        last=last,
    )


def count_links(by_kind, base):
    """(kind, its link, [(status, n, link or None)], dead n) per kind of the counts table."""
    out = []
    for kind, counts in by_kind.items():
        kind_href = f"{base}?{urlencode({'kind': kind})}"
        cells = [
            (s, counts.get(s, 0), f"{kind_href}&status={s}" if counts.get(s) else None)
            for s in STATUSES
        ]
        out.append((kind, kind_href, cells, counts.get(DEAD, 0)))
    return out
