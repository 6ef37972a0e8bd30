"""Display labels for Si Owl's codes (translated lazily) and country names from Babel's CLDR."""

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from ..core import caches

PERMIT_TYPE_LABELS = {
    "ITK": _l("ITK — visit stay permit"),
    "ITAS": _l("ITAS — limited stay permit"),
    "ITAP": _l("ITAP — permanent stay permit"),
}

SUBTYPES = {
    "ITK": [
        ("tourist", _l("Tourism")),
        ("business", _l("Business visit")),
        ("social", _l("Family or social visit")),
        ("government", _l("Government duty")),
    ],
    "ITAS": [
        ("work", _l("Work")),
        ("investor", _l("Investor")),
        ("family", _l("Family reunification")),
        ("student", _l("Study")),
        ("research", _l("Research")),
        ("retirement", _l("Retirement")),
        ("second_home", _l("Second home")),
    ],
    "ITAP": [
        ("spouse", _l("Spouse of an Indonesian citizen")),
        ("former_itas", _l("Former ITAS holder")),
        ("investor", _l("Investor")),
        ("retirement", _l("Retirement")),
        ("family", _l("Family")),
    ],
}

SUBTYPE_LABELS = {code: label for entries in SUBTYPES.values() for code, label in entries}

PERMIT_STATUS_LABELS = {
    "active": _l("Active"),
    "replaced": _l("Replaced"),
    "cancelled": _l("Cancelled"),
}

CANCEL_REASON_LABELS = {
    "departed": _l("Left Indonesia"),
    "revoked": _l("Revoked"),
    "deported": _l("Deported"),
    "other": _l("Other"),
}

APPLICATION_KIND_LABELS = {
    "extension": _l("Extension"),
    "conversion": _l("Conversion"),
    "new": _l("New permit"),
}

APPLICATION_STATUS_LABELS = {
    "received": _l("Received"),
    "in_process": _l("In process"),
    "completed": _l("Completed"),
    "rejected": _l("Rejected"),
}

FOLLOW_UP_LABELS = {
    "visited": _l("Visited"),
    "paid": _l("Charge paid"),
    "deported": _l("Deported"),
    "other": _l("Other"),
}

CLOSE_REASON_LABELS = {
    "renewed": _l("Permit renewed"),
    "cancelled": _l("Permit cancelled"),
    "in_process": _l("Renewal in process"),
    "paid": _l("Charge paid"),
    "deported": _l("Deported"),
    "closed": _l("Closed by Inteldakim"),
}

GENDER_LABELS = {"": _l("Not stated"), "M": _l("Male"), "F": _l("Female")}

LANGUAGE_LABELS = {"en": "English", "id": "Bahasa Indonesia"}

_EXCLUDED_TERRITORIES = {"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"}


def country_codes():
    return sorted(
        c
        for c in Locale("en").territories
        if len(c) == 2 and c.isalpha() and c not in _EXCLUDED_TERRITORIES
    )


def country_name(code, locale=None):
    if not code:
        return ""
    locale = locale or str(get_locale() or "id")
    try:
        return _country_names(locale).get(code, code)
    except (ValueError, TypeError):
        return code


def country_choices(locale=None):
    locale = locale or str(get_locale() or "id")
    names = _country_names(locale)
    return sorted(((c, names.get(c, c)) for c in country_codes()), key=lambda x: x[1])


@caches.memoize("owl.country_names", maxsize=8)
def _country_names(locale):
    return dict(Locale.parse(locale).territories)


def country_names(locale=None):
    """{code: name} in a language, cached: list pages name many countries per request."""
    return _country_names(locale or str(get_locale() or "id"))


@caches.memoize("owl.short_months", maxsize=8)
def _short_months(locale):
    months = Locale.parse(locale).months["format"]["abbreviated"]
    return {m: str(months[m]).rstrip(".") for m in range(1, 13)}


def short_date(value, locale=None):
    """'27 Nov 2026' (id: '27 Nov 2026', 'Agu' for August), without Babel's per-call pattern
    parsing: list pages format fifty dates per request."""
    months = _short_months(locale or str(get_locale() or "id"))
    return f"{value.day} {months[value.month]} {value.year}"
