"""Handing outbox rows to RQ: send jobs (row ids only), enqueued after the writer's commit.

Rows written in one transaction share jobs of up to ``batch_size`` rows; the jobs are enqueued
by a peewee ``after_commit`` hook, or at once when there is no transaction. A Redis failure is
logged, never raised: the rows are committed and the reconciler enqueues them later.
"""

import logging
import uuid

import redis

from ..extensions import db, get_queue
from . import settings as cfg

log = logging.getLogger(__name__)

SEND_JOB = "intranet.notify.jobs.send_batch"
SEND_JOB_TIMEOUT = 3600  # a batch over a slow server; rows are re-claimed if the worker dies


def new_job_id():
    return "notify-send-" + uuid.uuid4().hex


def enqueue_send(job_id, ids):
    """Put one send job on the queue. A Redis failure is logged, not raised: the row is committed
    and the reconciler enqueues it later."""
    try:
        get_queue().enqueue_call(
            func=SEND_JOB,
            args=(list(ids),),
            job_id=job_id,
            timeout=SEND_JOB_TIMEOUT,
            result_ttl=3600,
            failure_ttl=7 * 24 * 3600,
            description=f"notify: send {len(ids)} e-mail(s)",
        )
        return True
    except (redis.RedisError, OSError) as exc:
        log.warning("outbox: could not enqueue %s (%s); the reconciler will", job_id, exc)
        return False


class PendingJobs:
    """Rows written in one transaction, grouped into jobs; enqueued after the commit."""

    def __init__(self, batch_size):
        self.batch_size = max(1, batch_size)
        self.chunks = []  # [(job_id, [row ids])]

    def job_id(self):
        if not self.chunks or len(self.chunks[-1][1]) >= self.batch_size:
            self.chunks.append((new_job_id(), []))
        return self.chunks[-1][0]

    def add(self, job_id, row_id):
        for chunk_id, ids in reversed(self.chunks):
            if chunk_id == job_id:
                ids.append(row_id)
                return

    def flush(self):
        # Runs inside peewee's commit: it must never raise (the rows are committed either way,
        # and the reconciler enqueues whatever is not).
        try:
            for job_id, ids in self.chunks:
                if ids:
                    enqueue_send(job_id, ids)
        except Exception:
            log.exception("outbox: enqueueing after commit failed; the reconciler will")
        self.chunks = []


def pending_for_transaction():
    """The pending jobs of the caller's outermost transaction (registered once with
    ``after_commit``), or None when rows cannot wait for a commit hook."""
    state = db.obj._state
    if not state.transactions:
        return None
    outer = state.transactions[0]
    pending = getattr(outer, "_notify_pending", None)
    if pending is None:
        pending = PendingJobs(cfg.setting("batch_size"))
        try:
            db.after_commit(pending.flush)
        except ValueError:  # manual_commit(): no hooks; the reconciler will enqueue
            return None
        outer._notify_pending = pending
    return pending


def chunks(items, size):
    for i in range(0, len(items), size):
        yield items[i : i + size]
