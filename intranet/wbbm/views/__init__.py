"""WBBM's pages: the head's dashboard, the evidence report (page and XLSX) and the targets."""

from .blueprint import NAV, NAV_GROUP, bp  # noqa: F401

# isort: off
from . import dashboard  # noqa: F401
from . import evidence  # noqa: F401
from . import targets  # noqa: F401

# isort: on
