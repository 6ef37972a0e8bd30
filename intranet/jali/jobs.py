"""Si Jali's scheduled job: at closing time, whoever is still registered as inside is checked
out and marked as swept (idempotent: a second run finds nobody)."""

from ..scheduling import periodic
from . import services


@periodic("jali.closing_sweep", daily_at="17:00")
def closing_sweep(as_of=None):
    """As of the slot's time: a sweep started late (the worker was down at 17:00) checks out
    whoever was inside then, never the visitors who arrived since (the next morning). Runs with
    the connection ``@periodic`` opens."""
    return services.closing_sweep(now=as_of)
