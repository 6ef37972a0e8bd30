"""What every Si Owl service shares: the refusal they raise, and the Jakarta date of a stored
timestamp."""

import datetime as dt

from ...core.refusals import Refusal
from ..dates import WIB


class OwlError(Refusal):
    """A business rule of Si Owl refused the change; nothing was written. ``str(exc)`` is a
    message for the user; a view shows it with ``act`` or ``refuse_form``."""


def wib_date_of(moment):
    """The Jakarta calendar date of a naive UTC timestamp."""
    return moment.replace(tzinfo=dt.UTC).astimezone(WIB).date()
