"""RQ entry points of the outbox. Jobs carry row ids only, open their own database connection
and are idempotent: running one twice sends nothing twice (rows are claimed in the database)."""

import logging

from rq import get_current_job

from ..scheduling import job_connection, periodic

log = logging.getLogger(__name__)


def send_batch(ids):
    """Send these outbox rows over one SMTP connection."""
    from .sending import send_rows

    job = get_current_job()
    with job_connection():
        summary = send_rows(ids, job_id=job.id if job is not None else "")
    done = ", ".join(f"{key} {n}" for key, n in summary.items() if n)
    if done:  # one line per batch that did something; a batch that found its rows taken: none
        log.info("outbox: %s", done)
    return summary


@periodic("notify.reconcile", every_seconds=60)
def reconcile():
    """Reset rows stuck in "sending" and re-enqueue due rows whose job is gone."""
    from .reconcile import reconcile as run

    return run()
