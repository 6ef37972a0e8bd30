"""Si Cempaka's scheduled jobs (RQ entry points; they carry no row ids and are idempotent;
``@periodic`` opens their database connection). Each acts as of its slot's time (``as_of``, given
by the scheduler; now when called without it): a digest started late is the digest of its day."""

from ..scheduling import periodic
from . import maintenance


@periodic("cempaka.supervisor_digest", daily_at="07:00")
def supervisor_digest(as_of=None):
    """Each supervisor: one e-mail a day listing direct reports' deliverables pending > 1 day."""
    return maintenance.queue_digests(now=as_of)


@periodic("cempaka.coarsen_locations", daily_at="01:30")
def coarsen_locations(as_of=None):
    """Reduce coordinates older than the retention period to the coarse precision."""
    return maintenance.coarsen_old_locations(now=as_of)
