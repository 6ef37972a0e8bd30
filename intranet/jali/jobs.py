"""Si Jali's scheduled job: at closing time, whoever is still registered as inside is checked
out and marked as swept (idempotent: a second run finds nobody)."""

import logging

from ..extensions import db
from ..scheduling import periodic
from . import services

log = logging.getLogger(__name__)


@periodic("jali.closing_sweep", daily_at="17:00")
def closing_sweep():
    opened = db.is_closed()  # open our own connection, or use the caller's (in-process runs)
    if opened:
        db.connect()
    try:
        swept = services.closing_sweep()
    finally:
        if opened and not db.is_closed():
            db.close()
    log.info("closing sweep: %d visitor(s) checked out", swept)
    return swept
