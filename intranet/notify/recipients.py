"""Recipients of the outbox: what an e-mail address must look like before a row is written."""

import re

from flask_babel import lazy_gettext as _l

from ..core.refusals import Refusal


class InvalidRecipient(Refusal, ValueError):
    """A malformed e-mail address, refused when the row is written (still a ``ValueError``)."""

    def __init__(self, address):
        self.address = address
        shown = str(address)[:100] if address is not None else ""
        super().__init__(_l("“%(address)s” is not a valid e-mail address.", address=shown))


_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normalize_address(address):
    """A plain address (no display name), domain lower-cased and IDNA-encoded; else
    InvalidRecipient."""
    if not isinstance(address, str):
        raise InvalidRecipient(address)
    value = address.strip()
    if not value or len(value) > 254 or value.count("@") != 1:
        raise InvalidRecipient(address)
    local, domain = value.split("@")
    if len(local) > 64 or not _LOCAL.match(local):
        raise InvalidRecipient(address)
    try:
        domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise InvalidRecipient(address) from None
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise InvalidRecipient(address)
    if labels[-1].isdigit():
        raise InvalidRecipient(address)
    return f"{local}@{domain}"


def is_valid_address(address):
    try:
        normalize_address(address)
    except InvalidRecipient:
        return False
    return True
