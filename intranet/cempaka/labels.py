"""Labels of statuses, flags and location answers, shared by pages and e-mails."""

from flask_babel import lazy_gettext as _l

from ..core.filters import format_number
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
)

STATUS_LABELS = {
    PENDING: _l("Pending"),
    APPROVED: _l("Approved"),
    REVISION: _l("Revision requested"),
    REJECTED: _l("Rejected"),
}
STATUS_CLASSES = {
    PENDING: "text-bg-warning",
    APPROVED: "text-bg-success",
    REVISION: "text-bg-info",
    REJECTED: "text-bg-danger",
}

FLAG_LABELS = {
    FLAG_NO_LOCATION: _l("No location"),
    FLAG_LOW_ACCURACY: _l("Low accuracy"),
    FLAG_FAR: _l("Far from WFH place"),
    FLAG_OUTSIDE_HOURS: _l("Outside working hours"),
    FLAG_REUSED_COORDS: _l("Reused coordinates"),
    FLAG_REUSED_FILE: _l("File submitted before"),
    FLAG_NO_PLACE: _l("No registered WFH place"),
}
FLAG_HELP = {
    FLAG_NO_LOCATION: _l("The browser gave no position (denied, unavailable or timed out)."),
    FLAG_LOW_ACCURACY: _l("The reported accuracy is worse than the office threshold."),
    FLAG_FAR: _l("The position is farther from the registered WFH place than the radius."),
    FLAG_OUTSIDE_HOURS: _l("Sent outside working hours (server time, WIB)."),
    FLAG_REUSED_COORDS: _l(
        "Exactly the same coordinates were sent before, on another day or by another employee."
    ),
    FLAG_REUSED_FILE: _l("A file identical to this one was submitted before."),
    FLAG_NO_PLACE: _l("The employee has no registered WFH place, so no distance can be computed."),
}

LOCATION_LABELS = {
    LOC_OK: _l("Location recorded"),
    LOC_DENIED: _l("Location denied"),
    LOC_UNAVAILABLE: _l("Location unavailable"),
    LOC_TIMEOUT: _l("Location timed out"),
    LOC_UNSUPPORTED: _l("Browser without location"),
    LOC_MISSING: _l("No location sent"),
}

COARSE_SIZES = {0: "111 km", 1: "11 km", 2: "1,1 km", 3: "110 m", 4: "11 m"}


def distance(metres):
    if metres is None:
        return ""
    if metres < 1000:
        return f"{format_number(metres)} m"
    return f"{format_number(metres / 1000, 1 if metres < 100_000 else 0)} km"


def flag_items(flags):
    return [(bit, FLAG_LABELS[bit], FLAG_HELP[bit]) for bit in FLAG_LABELS if flags & bit]


def file_size(nbytes):
    if nbytes < 1024 * 1024:
        return f"{format_number(max(1, nbytes / 1024))} KB"
    return f"{format_number(nbytes / 1048576, 1)} MB"


def megabytes(value):
    value = float(value)
    return format_number(value, 0 if value == int(value) else 1)


def template_context():
    return {
        "status_labels": STATUS_LABELS,
        "status_classes": STATUS_CLASSES,
        "flag_labels": FLAG_LABELS,
        "flag_items": flag_items,
        "location_labels": LOCATION_LABELS,
        "fmt_distance": distance,
        "fmt_size": file_size,
        "fmt_mb": megabytes,
        "coarse_sizes": COARSE_SIZES,
    }
