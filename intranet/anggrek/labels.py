"""Human labels (translated) of Si Anggrek's codes."""

from flask_babel import lazy_gettext as _l

# Service types issued at the desk: key -> (ticket prefix, label, called before others)
SERVICES = {
    "paspor_baru": ("A", _l("New passport"), False),
    "penggantian": ("B", _l("Passport replacement"), False),
    "hilang_rusak": ("C", _l("Lost or damaged passport"), False),
    "pengambilan": ("D", _l("Passport collection"), False),
    "prioritas": ("P", _l("Priority (elderly, disabled, pregnant, small children)"), True),
}

COUNTER_STATE_LABELS = {
    "closed": _l("Closed"),
    "idle": _l("Idle"),
    "calling": _l("Calling"),
    "interviewing": _l("Interviewing"),
}

TICKET_STATUS_LABELS = {
    "waiting": _l("Waiting"),
    "called": _l("Called"),
    "serving": _l("In interview"),
    "done": _l("Finished"),
    "not_called": _l("Not called"),
}

OUTCOME_LABELS = {
    "served": _l("Served"),
    "referred": _l("Referred"),
    "no_show": _l("No-show"),
}

EVENT_LABELS = {
    "open": _l("Counter opened"),
    "call": _l("Called"),
    "recall": _l("Called again"),
    "start": _l("Interview started"),
    "finish": _l("Finished"),
    "close": _l("Counter closed"),
}

CATEGORY_LABELS = {
    "rude": _l("Rude"),
    "slow": _l("Slow"),
    "away": _l("Away from the counter"),
    "pungli": _l("Asked for unofficial payment (pungli)"),
    "other": _l("Other"),
}

FLAG_STATUS_LABELS = {
    "open": _l("Open"),
    "investigating": _l("Investigating"),
    "resolved": _l("Resolved"),
}

RESOLUTION_LABELS = {
    "substantiated": _l("Substantiated"),
    "not_substantiated": _l("Not substantiated"),
}
