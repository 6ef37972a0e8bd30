"""Si Cempaka's refusals: what a service raises, before writing anything, when a rule says no.

Each is an ``intranet.core.refusals.Refusal``: ``message`` is shown to the user, ``field`` names
the form field it belongs to (None for the whole form).
"""

from ..core.refusals import Refusal


class CempakaError(Refusal):
    """A refused operation; ``message`` is shown to the user."""


class LocationRequired(CempakaError):
    pass


class AlreadyDecided(CempakaError):
    pass


class FlaggedNeedsNote(CempakaError):
    """Approving a flagged deliverable takes a note saying why."""
