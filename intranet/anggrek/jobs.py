"""Si Anggrek's periodic job: the end-of-day sweep (ids only, idempotent)."""

from ..scheduling import periodic


@periodic("anggrek.close_day", daily_at="17:30")
def close_day(as_of=None):
    """After closing time: close the counters left open and idle, and mark the tickets that were
    never called as not called, as of the slot's time (a run started late closes the evening of
    its slot, not the next morning). Running it twice changes nothing."""
    from .services import close_day as run

    closed, not_called = run(at=as_of)  # @periodic opens the job's database connection
    return {"counters_closed": closed, "tickets_not_called": not_called}
