"""Si Jali's scheduled job: at closing time, whoever is still registered as inside is checked
out and marked as swept (idempotent: a second run finds nobody)."""

from ..extensions import db
from ..scheduling import periodic
from . import services


@periodic("jali.closing_sweep", daily_at="17:00")
def closing_sweep(as_of=None):
    """As of the slot's time: a sweep started late (the worker was down at 17:00) checks out
    whoever was inside then, never the visitors who arrived since (the next morning)."""
    opened = db.is_closed()  # open our own connection, or use the caller's (in-process runs)
    if opened:
        db.connect()
    try:
        return services.closing_sweep(now=as_of)
    finally:
        if opened and not db.is_closed():
            db.close()
