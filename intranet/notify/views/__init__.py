"""notify's admin pages: the outbox (``outbox``: the list and its buttons; ``messages``: one
e-mail and its retry) and the periodic jobs' runs (``runs``)."""

# The blueprint, and the modules whose routes attach to it.
from . import messages, outbox, runs  # noqa: F401
from .blueprint import NAV, NAV_GROUP, bp  # noqa: F401
