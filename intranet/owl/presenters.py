"""Row markup Si Owl builds in Python: the permit list, the page staff open most (over a million
permits), whose 50 rows written field by field in Jinja cost more than the query.

Display text is worked out (and escaped) once per distinct value and language and kept in the
``caches`` registry: dates, badges (by status, cancel reason and days left, which hold no other
input), country names, and whole rows (by their columns, today, the language and the link
prefix, which holds the script root).
"""

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from ..core import caches
from . import labels
from .dates import as_date

PERMIT_STATES = {
    "valid": _l("Valid"),
    "expiring_30": _l("Expiring within 30 days"),
    "expiring": _l("Expiring within 60 days"),
    "expired": _l("Expired, not renewed"),
    "replaced": _l("Replaced"),
    "cancelled": _l("Cancelled"),
}

_ROWS = caches.Cache("owl.permit_rows", maxsize=20_000)
_CELLS = caches.Cache("owl.permit_cells", maxsize=20_000)


def state_labels():
    """{state: label} of the permit list's filter, in the current language."""
    locale = str(get_locale() or "id")
    return _CELLS.get_or_make(
        (locale, "states"), lambda: {key: str(label) for key, label in PERMIT_STATES.items()}
    )


def expiry_badge(status, cancel_reason, days_left):
    """(css class, text) of a permit's state: replaced, cancelled, overstay, days left, valid."""
    if status == "replaced":
        return "secondary", str(labels.PERMIT_STATUS_LABELS["replaced"])
    if status == "cancelled":
        text = str(labels.PERMIT_STATUS_LABELS["cancelled"])
        if cancel_reason in labels.CANCEL_REASON_LABELS:
            text += f": {labels.CANCEL_REASON_LABELS[cancel_reason]}"
        return "secondary", text
    if days_left < 0:
        return "danger", ngettext("Overstay %(num)d day", "Overstay %(num)d days", -days_left)
    if days_left <= 60:
        return (
            "warning" if days_left <= 30 else "info",
            ngettext("%(num)d day left", "%(num)d days left", days_left),
        )
    return "success", _("Valid")


# One row of the permit list, written in one go.
_PERMIT_ROW = (
    '<tr><td><span class="badge text-bg-light border">{ptype}</span> '
    '<span class="font-monospace small">{number}</span></td>'
    '<td><a href="{base}{fid}">{name}</a></td>'
    '<td class="d-none d-md-table-cell small">{nationality}</td>'
    '<td class="text-nowrap">{expiry}</td>'
    '<td><span class="badge text-bg-{badge_class}">{badge_text}</span></td></tr>\n'
)


def permit_rows(rows, today, foreigner_base):
    """The rows of the permit list (``queries.permit_page``) as markup: dates, badges and
    country names worked out (and escaped) once per distinct value and language, names and
    numbers escaped per row. ``foreigner_base`` is the link to a foreigner without its id."""
    locale = str(get_locale() or "id")
    names = None
    base = escape(foreigner_base)
    out = []
    for row in rows:
        # A row's markup depends on its columns, today (days left), the language and the link
        # prefix only.
        row_key = (locale, today, foreigner_base, row)
        html = _ROWS.get(row_key)
        if html is not None:
            out.append(html)
            continue
        _pid, ptype, number, expiry, status, reason, fid, name, nat = row
        expiry = as_date(expiry)
        text = _CELLS.get((locale, "date", expiry))
        if text is None:
            text = _CELLS.put((locale, "date", expiry), escape(labels.short_date(expiry, locale)))
        key = (status, reason, (expiry - today).days)
        badge = _CELLS.get((locale, "badge", key))
        if badge is None:
            css, label = expiry_badge(*key)
            badge = _CELLS.put((locale, "badge", key), (escape(css), escape(label)))
        country = _CELLS.get((locale, "country", nat))
        if country is None:
            names = names or labels.country_names(locale)
            country = _CELLS.put((locale, "country", nat), escape(names.get(nat, nat)))
        html = _ROWS.put(
            row_key,
            _PERMIT_ROW.format(
                ptype=escape(ptype),
                number=escape(number),
                base=base,
                fid=int(fid),
                name=escape(name),
                nationality=country,
                expiry=text,
                badge_class=badge[0],
                badge_text=badge[1],
            ),
        )
        out.append(html)
    return Markup("".join(out))  # noqa: S704 - every value above is escaped or a number
