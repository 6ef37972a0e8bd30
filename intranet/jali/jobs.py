"""Si Jali's scheduled job: at closing time, whoever is still registered as inside is checked
out and marked as swept (idempotent: a second run finds nobody)."""

import logging

from ..extensions import db
from ..scheduling import periodic
from . import services

log = logging.getLogger(__name__)


@periodic("jali.closing_sweep", daily_at="17:00")
def closing_sweep():
    with db.connection_context():
        swept = services.closing_sweep()
    log.info("closing sweep: %d visitor(s) checked out", swept)
    return swept
