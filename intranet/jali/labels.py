"""Words for Si Jali's stored codes that other pages show (the audit log's details): what Si Owl
said about a foreign visitor's stay permit at arrival, and how a visit was closed. The visitor
categories' words are ``forms.CATEGORY_LABELS``."""

from flask_babel import lazy_gettext as _l

from .models import (
    OUT_DESK,
    OUT_QR,
    OUT_SWEEP,
    PERMIT_EXPIRED,
    PERMIT_NOT_FOUND,
    PERMIT_UNAVAILABLE,
    PERMIT_VALID,
)

PERMIT_STATE_LABELS = {
    PERMIT_VALID: _l("Stay permit valid"),
    PERMIT_EXPIRED: _l("Permit expired"),
    PERMIT_NOT_FOUND: _l("Not in the Si Owl registry."),
    PERMIT_UNAVAILABLE: _l("Not checked (look-up unavailable)."),
}

CHECKOUT_METHOD_LABELS = {
    OUT_DESK: _l("At the front desk"),
    OUT_QR: _l("By scanning the sticker's QR code"),
    OUT_SWEEP: _l("At the closing-time sweep"),
}
