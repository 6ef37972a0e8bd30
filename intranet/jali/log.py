"""The visitor log (/jali/visits): its queries in plain SQL and its rows as HTML.

The log is the page reception keeps open all day, fifty rows a page. Peewee spends longer writing
its queries than the database spends running them, and a Jinja expression per cell costs more
than the cell, so:

- the day's counts and the page's rows are plain SQL, written once per shape and database, on
  the (visit_date, category) and unique (visit_date, number) indexes: a page costs the same on
  the first day as after a million visits, and nothing is counted beyond one day;
- each row is written here with string formatting: every value from the database goes through
  ``escape`` where it is inserted; the words (categories, states) are translated and escaped
  once per language, times and durations formatted with plain arithmetic.

A free-text search keeps the peewee query of the view (LIKE escaping differs per database).
"""

import datetime as dt

from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from ..extensions import db
from ..people.models import Unit, User
from .forms import CATEGORY_LABELS, CATEGORY_WORDS
from .models import CATEGORIES, OUT_SWEEP, PERMIT_EXPIRED, Visit

_WIB_OFFSET = dt.timedelta(hours=7)  # Asia/Jakarta: UTC+7 without daylight saving since 1964

# ----- queries ---------------------------------------------------------------------------------

ROW_COLUMNS = (
    "v.id, v.number, v.category, v.name, v.institution, v.purpose, v.checked_in_at, "
    "v.checked_out_at, v.checkout_method, v.permit_state, u.name, un.name"
)
_sql = {}


def _tables():
    return {
        "visit": Visit._meta.table_name,
        "user": User._meta.table_name,
        "unit": Unit._meta.table_name,
        "p": db.param,
    }


def _where(category, status):
    """The WHERE clause of a day's log with the category and status filters."""
    p = db.param
    where = [f"v.visit_date = {p}"]
    if category:
        where.append(f"v.category = {p}")
    if status == "inside":
        where.append("v.checked_out_at IS NULL")
    elif status == "out":
        where.append("v.checked_out_at IS NOT NULL")
    return " AND ".join(where)


def day_counts(day):
    """{category: visits} of one day (index-only over (visit_date, category))."""
    key = ("counts", db.param)
    sql = _sql.get(key)
    if sql is None:
        sql = _sql[key] = (
            'SELECT v.category, COUNT(*) FROM "{visit}" AS v WHERE v.visit_date = {p} '
            "GROUP BY v.category"
        ).format(**_tables())
    return dict(db.execute_sql(sql, [day.isoformat()]).fetchall())


def count(day, category, status):
    """Visits of a day with the category and status filters."""
    key = ("count", bool(category), status, db.param)
    sql = _sql.get(key)
    if sql is None:
        sql = _sql[key] = 'SELECT COUNT(*) FROM "{visit}" AS v WHERE '.format(**_tables()) + _where(
            category, status
        )
    params = [day.isoformat()] + ([category] if category else [])
    return db.execute_sql(sql, params).fetchone()[0]


def page_rows(day, category, status, limit, offset):
    """The page's rows (ROW_COLUMNS tuples), newest number first."""
    key = ("rows", bool(category), status, db.param)
    sql = _sql.get(key)
    if sql is None:
        t = _tables()
        sql = _sql[key] = (
            f'SELECT {ROW_COLUMNS} FROM "{t["visit"]}" AS v '
            f'LEFT JOIN "{t["user"]}" AS u ON u.id = v.host_id '
            f'LEFT JOIN "{t["unit"]}" AS un ON un.id = v.host_unit_id '
            f"WHERE {_where(category, status)} "
            f"ORDER BY v.number DESC LIMIT {t['p']} OFFSET {t['p']}"
        )
    params = [day.isoformat()] + ([category] if category else []) + [limit, offset]
    return db.execute_sql(sql, params).fetchall()


# ----- rows ------------------------------------------------------------------------------------


def _e(value):
    return str(escape(value))


_WORDS = {}


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
        _WORDS[locale] = cached
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
_ROWS = {}
_ROWS_KEPT = 5000


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
        if len(_ROWS) >= _ROWS_KEPT:
            _ROWS.clear()
        _ROWS[key] = (W, parts[-1])
    return _safe("".join(parts))
