"""The seam to Si Owl's registry: a WNA visitor's stay permit, looked up by passport number.

Si Jali works without Si Owl (the desk then registers WNA visitors without a permit check); when
``intranet.owl.services`` is installed, its ``lookup_passport`` answers with a ``PassportStatus``
(foreigner_id, name, nationality, passport_number, permit_id, permit_type, permit_number,
expiry_date, expired, days_overstayed, extension_in_process), or None when the passport is not in
the registry.
"""

import importlib
import importlib.util
import logging

log = logging.getLogger(__name__)

OWL_SERVICES = "intranet.owl.services"


def _owl_lookup():
    """Si Owl's ``lookup_passport``, or None when Si Owl is not installed."""
    try:
        if importlib.util.find_spec(OWL_SERVICES) is None:
            return None
    except ModuleNotFoundError:  # the intranet.owl package itself is missing
        return None
    return importlib.import_module(OWL_SERVICES).lookup_passport


def owl_installed():
    return _owl_lookup() is not None


def permit_status(passport_number, today=None):
    """Si Owl's status of the stay permit of the holder of this passport, or None (not in the
    registry, or Si Owl not installed)."""
    lookup = _owl_lookup()
    if lookup is None:
        log.info("Si Owl is not installed: no stay-permit look-up for a WNA visitor")
        return None
    return lookup(passport_number, today=today)
