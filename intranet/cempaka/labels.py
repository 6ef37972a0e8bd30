"""Labels, texts and formats for Si Cempaka's pages, made cheap to use in long lists.

Row templates repeat the same words twenty times a page; each ``_()`` call in a template costs a
locale look-up, so the words a row needs are translated once per request here (``texts()``) and
the rows read them from a dict. Messages are marked with ``N_`` for extraction only: unlike
``_l`` (``lazy_gettext``) everywhere else, ``N_`` returns the English message id itself, and
``texts()`` translates it. Dates are formatted with month names cached per locale.
"""

import datetime as dt
from types import SimpleNamespace

from flask import g, has_request_context, request, url_for
from flask_babel import get_locale, get_translations

from ..core import caches
from ..core.filters import WIB, format_number
from .models import (
    APPROVED,
    FLAG_FAR,
    FLAG_LOW_ACCURACY,
    FLAG_NO_LOCATION,
    FLAG_NO_PLACE,
    FLAG_OUTSIDE_HOURS,
    FLAG_REUSED_COORDS,
    FLAG_REUSED_FILE,
    LOC_DENIED,
    LOC_MISSING,
    LOC_OK,
    LOC_TIMEOUT,
    LOC_UNAVAILABLE,
    LOC_UNSUPPORTED,
    PENDING,
    REJECTED,
    REVISION,
    WITHDRAWN,
)


def N_(message):  # gettext's name for "mark for extraction only" (gettext_noop)
    """Marks a message for extraction only and returns it untranslated (the English id);
    ``texts()`` translates it per request. Not ``_l``: that is ``lazy_gettext`` everywhere."""
    return message


STATUS_LABELS = {
    PENDING: N_("Pending"),
    APPROVED: N_("Approved"),
    REVISION: N_("Revision requested"),
    REJECTED: N_("Rejected"),
    WITHDRAWN: N_("Withdrawn"),
}
STATUS_CLASSES = {
    PENDING: "text-bg-warning",
    APPROVED: "text-bg-success",
    REVISION: "text-bg-info",
    REJECTED: "text-bg-danger",
    WITHDRAWN: "text-bg-secondary",
}
FLAG_LABELS = {
    FLAG_NO_LOCATION: N_("No location"),
    FLAG_LOW_ACCURACY: N_("Low accuracy"),
    FLAG_FAR: N_("Far from WFH place"),
    FLAG_OUTSIDE_HOURS: N_("Outside working hours"),
    FLAG_REUSED_COORDS: N_("Reused coordinates"),
    FLAG_REUSED_FILE: N_("File submitted before"),
    FLAG_NO_PLACE: N_("No registered WFH place"),
}
FLAG_HELP = {
    FLAG_NO_LOCATION: N_("The browser gave no position (denied, unavailable or timed out)."),
    FLAG_LOW_ACCURACY: N_("The reported accuracy is worse than the office threshold."),
    FLAG_FAR: N_("The position is farther from the registered WFH place than the radius."),
    FLAG_OUTSIDE_HOURS: N_("Sent outside working hours (server time, WIB)."),
    FLAG_REUSED_COORDS: N_(
        "Exactly the same coordinates were sent before, on another day or by another employee."
    ),
    FLAG_REUSED_FILE: N_("A file identical to this one was submitted before."),
    FLAG_NO_PLACE: N_("The employee has no registered WFH place, so no distance can be computed."),
}
LOCATION_LABELS = {
    LOC_OK: N_("Location recorded"),
    LOC_DENIED: N_("Location denied"),
    LOC_UNAVAILABLE: N_("Location unavailable"),
    LOC_TIMEOUT: N_("Location timed out"),
    LOC_UNSUPPORTED: N_("Browser without location"),
    LOC_MISSING: N_("No location sent"),
}
# Words of the list rows (format strings keep their %(name)s for the |format filter).
WORDS = {
    "approve": N_("Approve"),
    "revise": N_("Revise"),
    "reject": N_("Reject"),
    "comment": N_("Comment"),
    "comment_placeholder": N_("Comment (required to revise or reject)"),
    "comment_placeholder_flagged": N_("Note (required: this deliverable is flagged)"),
    "decision": N_("Decision"),
    "show_map": N_("Show map"),
    "sent": N_("sent %(when)s"),
    "sent_cap": N_("Sent %(when)s"),
    "version": N_("version %(n)d"),
    "select": N_("Select %(title)s"),
    "from_place": N_("%(distance)s from the WFH place"),
    "one_file": N_("1 file"),
    "files": N_("%(n)d files"),
    "more_files": N_("+%(n)d more"),
}
COARSE_SIZES = {0: "111 km", 1: "11 km", 2: "1,1 km", 3: "110 m", 4: "11 m"}


def texts():
    """Every label and row word in the request's language, translated once per request."""
    in_request = has_request_context()
    if in_request:
        cached = g.get("_cempaka_texts")
        if cached is not None:
            return cached
    locale = str(get_locale() or "id")
    tr = get_translations().gettext
    flags = [(bit, tr(FLAG_LABELS[bit]), tr(FLAG_HELP[bit])) for bit in FLAG_LABELS]
    result = {key: tr(message) for key, message in WORDS.items()}
    result.update(
        status={k: tr(v) for k, v in STATUS_LABELS.items()},
        status_class=STATUS_CLASSES,
        location={k: tr(v) for k, v in LOCATION_LABELS.items()},
        flags=flags,
        flag_label={bit: label for bit, label, _h in flags},
        months=_months(locale),
    )
    if in_request:
        g._cempaka_texts = result
    return result


def flag_items(flags):
    """[(bit, label, help)] of the flags set."""
    return [item for item in texts()["flags"] if flags & item[0]]


# ----- formats ---------------------------------------------------------------------------------


@caches.memoize("cempaka.month_names", maxsize=8)
def _months(locale):
    from babel.dates import get_month_names

    names = get_month_names("abbreviated", locale=locale)
    return {k: v.rstrip(".") for k, v in names.items()}


def short_date(value):
    """'27 Nov 2026' (the Indonesian and English abbreviations)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.replace(tzinfo=dt.UTC).astimezone(WIB).date()
    return f"{value.day} {texts()['months'][value.month]} {value.year}"


def short_datetime(value):
    """'27 Nov 2026 14:05 WIB' for a naive UTC timestamp."""
    if value is None:
        return ""
    local = value.replace(tzinfo=dt.UTC).astimezone(WIB)
    return f"{local.day} {texts()['months'][local.month]} {local.year} {local:%H:%M} WIB"


def distance(metres):
    if metres is None:
        return ""
    if metres < 1000:
        return f"{format_number(metres)} m"
    return f"{format_number(metres / 1000, 1 if metres < 100_000 else 0)} km"


def file_size(nbytes):
    if nbytes < 1024 * 1024:
        return f"{format_number(max(1, nbytes / 1024))} KB"
    return f"{format_number(nbytes / 1048576, 1)} MB"


def megabytes(value):
    value = float(value)
    return format_number(value, 0 if value == int(value) else 1)


# ----- URLs of list rows -----------------------------------------------------------------------

_SENTINEL = 987654321


class RowUrls:
    """url_for once per endpoint (and script root); rows fill in their id."""

    def __init__(self):
        self._patterns = {}

    def pattern(self, endpoint, arg):
        """[head, tail]: the endpoint's URL is head + str(id) + tail."""
        key = (endpoint, arg)
        pattern = self._patterns.get(key)
        if pattern is None:
            pattern = url_for(endpoint, **{arg: _SENTINEL}).split(str(_SENTINEL))
            self._patterns[key] = pattern
        return pattern

    def _build(self, endpoint, arg, value):
        head, tail = self.pattern(endpoint, arg)
        return f"{head}{int(value)}{tail}"

    def show(self, submission_id):
        return self._build("cempaka.show_submission", "submission_id", submission_id)

    def location(self, submission_id):
        return self._build("cempaka.show_location", "submission_id", submission_id)

    def decide(self, submission_id):
        return self._build("cempaka.decide", "submission_id", submission_id)

    def revise(self, submission_id):
        return self._build("cempaka.resubmit", "submission_id", submission_id)

    def file(self, file_id):
        return self._build("cempaka.download_file", "file_id", file_id)


_ROW_URLS = caches.Cache("cempaka.row_urls", maxsize=16)  # script root -> RowUrls


def row_urls():
    """The RowUrls of the request's script root (the URL patterns do not change while running)."""
    return _ROW_URLS.get_or_make(request.script_root, RowUrls)


def template_globals():
    """Registered on the Jinja environment (macros imported without context see them)."""
    return {
        "cempaka_texts": texts,
        "cempaka_urls": row_urls,
        "cempaka_fmt": SimpleNamespace(
            date=short_date,
            datetime=short_datetime,
            distance=distance,
            size=file_size,
            mb=megabytes,
            flags=flag_items,
            coarse=COARSE_SIZES,
        ),
    }
