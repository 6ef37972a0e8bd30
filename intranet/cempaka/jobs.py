"""Si Cempaka's scheduled jobs (RQ entry points; they carry no row ids, open their own
database connection and are idempotent). Each acts as of its slot's time (``as_of``, given by
the scheduler; now when called without it): a digest started late is the digest of its day."""

from ..extensions import db
from ..scheduling import periodic
from . import services


def _with_connection(func, *args, **kwargs):
    opened = db.is_closed()
    if opened:
        db.connect()
    try:
        return func(*args, **kwargs)
    finally:
        if opened and not db.is_closed():
            db.close()


@periodic("cempaka.supervisor_digest", daily_at="07:00")
def supervisor_digest(as_of=None):
    """Each supervisor: one e-mail a day listing direct reports' deliverables pending > 1 day."""
    return _with_connection(services.queue_digests, now=as_of)


@periodic("cempaka.coarsen_locations", daily_at="01:30")
def coarsen_locations(as_of=None):
    """Reduce coordinates older than the retention period to the coarse precision."""
    return _with_connection(services.coarsen_old_locations, now=as_of)
