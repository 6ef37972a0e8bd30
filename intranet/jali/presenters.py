"""Si Jali's pages as words and markup: the visitor log's rows as HTML, and the labels its pages
show (statuses, the day navigation's dates), each worked out once per language.

A Jinja expression per cell costs more than the cell, so each log row is written here with
string formatting: every value from the database goes through ``escape`` where it is inserted;
the words (categories, states) are translated and escaped once per language, times and durations
formatted with plain arithmetic.
"""

import datetime as dt

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from ..core import caches
from ..core.filters import id_date
from .forms import CATEGORY_LABELS, CATEGORY_WORDS
from .models import CATEGORIES, OUT_SWEEP, PERMIT_EXPIRED

_WIB_OFFSET = dt.timedelta(hours=7)  # Asia/Jakarta: UTC+7 without daylight saving since 1964

STATUS_LABELS = {"inside": _l("Inside"), "out": _l("Checked out"), "swept": _l("Swept")}


@caches.memoize("jali.status_labels", maxsize=8)
def _status_labels(locale):
    return {k: str(v) for k, v in STATUS_LABELS.items()}


def status_labels():
    """The visit states' names in the request's language."""
    return _status_labels(str(get_locale() or "id"))


_DAY_LABELS = caches.Cache("jali.day_labels", maxsize=1000)


def day_labels(day):
    """The day navigation's dates (Babel formats them slowly; a day's labels never change)."""
    return _DAY_LABELS.get_or_make(
        (str(get_locale() or "id"), day),
        lambda: {
            "prev": id_date(day - dt.timedelta(days=1), "d MMM"),
            "day": id_date(day, "EEEE, d MMMM yyyy"),
            "next": id_date(day + dt.timedelta(days=1), "d MMM"),
        },
    )


# ----- the visitor log's rows ----------------------------------------------------------------


def _e(value):
    return str(escape(value))


_WORDS = caches.Cache("jali.log_words", maxsize=8)  # by language


def words():
    """The log's words in the request's language: plain (for the template, which escapes them)
    and escaped (for the rows)."""
    locale = str(get_locale() or "id")
    cached = _WORDS.get(locale)
    if cached is None:
        cached = {
            "category_labels": {c: str(CATEGORY_LABELS[c]) for c in CATEGORIES},
            "category_words": {c: str(CATEGORY_WORDS[c]) for c in CATEGORIES},
            "long_duration": _("%(h)d h %(m)02d min"),
            "short_duration": _("%(m)d min"),
            "inside": _("Inside"),
            "swept": _("Swept"),
            "permit_expired": _("Permit expired"),
        }
        html = {
            "category": {
                c: f'<span class="badge jali-badge jali-cat-{c}">{_e(w)}</span>'
                for c, w in cached["category_words"].items()
            },
            "inside": f'<span class="badge text-bg-primary">{_e(cached["inside"])}</span>',
            "swept": f' <span class="badge text-bg-warning">{_e(cached["swept"])}</span>',
            "expired": f' <span class="badge text-bg-danger">{_e(cached["permit_expired"])}</span>',
            "long": _e(cached["long_duration"]),
            "short": _e(cached["short_duration"]),
        }
        cached["html"] = html
        _WORDS.put(locale, cached)
    return cached


def _as_datetime(value):
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(value)  # SQLite hands back ISO text


def _hhmm(value):
    """'14:05' in WIB for a naive UTC timestamp."""
    local = value + _WIB_OFFSET
    return f"{local.hour:02d}:{local.minute:02d}"


def _safe(html):
    return Markup(html)  # noqa: S704 - markup written here, every value in it went through _e


# Finished rows, by (language's words, link base, the row's values, and for a visitor still
# inside the minutes so far): nothing else changes a row, and the log shows the same rows
# reload after reload.
_ROWS = caches.Cache("jali.log_rows", maxsize=5000)


def rows_html(rows, visit_base, now):
    """The ``<tr>`` of the log's rows (ROW_COLUMNS tuples), as one Markup string."""
    W = words()["html"]
    base = _e(visit_base)
    cache = {}  # purposes and hosts repeat within a page

    def text(value):
        if not value:
            return ""
        out = cache.get(value)
        if out is None:
            out = cache[value] = _e(value)
        return out

    parts = []
    for row in rows:
        if row[7] is None:  # still inside: the row shows the minutes so far
            inside = int((now - _as_datetime(row[6])).total_seconds() // 60)
            key = (id(W), visit_base, row, inside)
        else:
            key = (id(W), visit_base, row)
        hit = _ROWS.get(key)
        if hit is not None and hit[0] is W:
            parts.append(hit[1])
            continue
        (
            visit_id,
            number,
            category,
            name,
            institution,
            purpose,
            arrived,
            left,
            method,
            permit,
            host_name,
            unit_name,
        ) = row
        arrived, left = _as_datetime(arrived), _as_datetime(left)
        minutes = max(0, int(((left or now) - arrived).total_seconds() // 60))
        hours, rest = divmod(minutes, 60)
        duration = W["long"] % {"h": hours, "m": rest} if hours else W["short"] % {"m": rest}
        cat = category if category in W["category"] else _e(category)
        badge = W["category"].get(category) or (
            f'<span class="badge jali-badge jali-cat-{cat}">{cat}</span>'
        )
        if left is None:
            out = W["inside"]
        else:
            out = _hhmm(left) + (W["swept"] if method == OUT_SWEEP else "")
        inst = f'<div class="small text-muted">{text(institution)}</div>' if institution else ""
        expired = W["expired"] if permit == PERMIT_EXPIRED else ""
        parts.append(
            f'<tr class="jali-row-mark jali-cat-{cat}">\n'
            f'  <td class="font-monospace fw-bold"><a href="{base}{int(visit_id)}">'
            f"{int(number):03d}</a></td>\n"
            f"  <td>{badge}</td>\n"
            f"  <td>{_e(name)}{inst}{expired}</td>\n"
            f'  <td class="d-none d-lg-table-cell small">{text(purpose)}</td>\n'
            f'  <td class="d-none d-md-table-cell small">{text(host_name or unit_name)}</td>\n'
            f"  <td>{_hhmm(arrived)}</td>\n"
            f"  <td>{out}</td>\n"
            f'  <td class="d-none d-md-table-cell small">{duration}</td>\n'
            "</tr>\n"
        )
        _ROWS.put(key, (W, parts[-1]))
    return _safe("".join(parts))
