"""RQ entry points of the outbox. Jobs carry row ids only, open their own database connection
and are idempotent: running one twice sends nothing twice (rows are claimed in the database)."""

import contextlib
import logging

from rq import get_current_job

from ..extensions import db
from ..scheduling import periodic

log = logging.getLogger(__name__)


@contextlib.contextmanager
def db_session():
    """A database connection for the job; left open if the caller already had one (tests run
    jobs in-process), closed otherwise."""
    opened = db.is_closed()
    if opened:
        db.connect()
    try:
        yield
    finally:
        if opened and not db.is_closed():
            db.close()


def send_batch(ids):
    """Send these outbox rows over one SMTP connection."""
    from .sending import send_rows

    job = get_current_job()
    with db_session():
        summary = send_rows(ids, job_id=job.id if job is not None else "")
    done = ", ".join(f"{key} {n}" for key, n in summary.items() if n)
    if done:  # one line per batch that did something; a batch that found its rows taken: none
        log.info("outbox: %s", done)
    return summary


@periodic("notify.reconcile", every_seconds=60)
def reconcile():
    """Reset rows stuck in "sending" and re-enqueue due rows whose job is gone."""
    from .services import reconcile as run

    with db_session():
        return run()


RUN_HISTORY_DAYS = 30


@periodic("notify.purge_run_history", daily_at="02:30")
def purge_run_history(as_of=None):
    """Scheduler runs are kept 30 days (the reconciler alone records 1,440 runs a day), counted
    back from the slot's time. Nothing deleted: no outcome."""
    import datetime as dt

    from ..models import utcnow
    from .models import ScheduledRun

    cutoff = (as_of or utcnow()) - dt.timedelta(days=RUN_HISTORY_DAYS)
    with db_session():
        deleted = ScheduledRun.delete().where(ScheduledRun.slot < cutoff).execute()
    if not deleted:
        return None
    return {"deleted": deleted, "days": RUN_HISTORY_DAYS}


def run_periodic(run_id):
    """Run one slot of a periodic job (enqueued by the scheduler runner)."""
    from .scheduler import execute_run

    with db_session():
        return execute_run(run_id)
