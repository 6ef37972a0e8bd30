"""Si Anggrek's pages: one blueprint ``bp`` (``blueprint.py``, with ``NAV``), its routes in the
submodules by what they serve: the counter officer's console, the live board, the ticket desk,
reports (metrics and satisfaction), flag cases, the set-up (counters, QR codes, settings) and the
public survey. Submodules take ``bp`` from ``.blueprint``, never from this package."""

# Importing the submodules attaches their routes to bp.
from . import board, console, desk, flags, reports, settings, survey  # noqa: F401
from .blueprint import NAV, NAV_GROUP, bp

__all__ = ["NAV", "NAV_GROUP", "bp"]
