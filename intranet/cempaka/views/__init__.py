"""Si Cempaka's pages (one blueprint, ``bp``, defined in ``blueprint``): an employee's own
deliverables (``mine``), one deliverable (``submission``), the supervisor's review queue
(``queue``), the monthly recap (``recap``) and the administrator's settings (``settings``).
Importing the submodules attaches their routes to ``bp``."""

from . import mine, queue, recap, settings, submission  # noqa: F401 - their routes attach to bp
from .blueprint import NAV, NAV_GROUP, bp

__all__ = ["NAV", "NAV_GROUP", "bp"]
