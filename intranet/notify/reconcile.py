"""The outbox reconciler (every minute, and on the admin's demand): rows a dead worker left
"sending" are reset, and due rows whose job is gone (never enqueued, Redis lost it, a retry is
due) are handed to new jobs - a Redis that lost its queue keys loses no e-mail."""

import datetime as dt
import logging

import redis
from peewee import Case

from ..extensions import transaction
from ..models import utcnow
from . import settings as cfg
from .counts import compact_counts
from .enqueue import chunks, enqueue_send, new_job_id
from .models import DEAD, FAILED, SENDABLE, SENDING, OutboxMessage

log = logging.getLogger(__name__)

ALIVE_JOB_STATUSES = {"queued", "scheduled", "deferred", "started", "created"}


def reset_stuck(now=None, settings=None):
    """Rows left "sending" by a worker that died: retry them now (the attempt counts). Returns
    the number of rows reset. A second reconciler at the same time finds nothing to reset."""
    settings = settings or cfg.all_settings()
    now = now or utcnow()
    cutoff = now - dt.timedelta(seconds=settings["sending_timeout_seconds"])
    max_attempts = settings["max_attempts"]
    line = f"{now:%Y-%m-%d %H:%M:%S} UTC: worker lost while sending\n"
    with transaction():
        stuck = OutboxMessage.select(OutboxMessage.id).where(
            (OutboxMessage.status == SENDING) & (OutboxMessage.claimed_at < cutoff)
        )
        ids = [r.id for r in stuck]
        if not ids:
            return 0
        reset = 0
        for chunk in chunks(ids, 500):
            reset += (
                OutboxMessage.update(
                    status=Case(None, [(OutboxMessage.attempts + 1 >= max_attempts, DEAD)], FAILED),
                    attempts=OutboxMessage.attempts + 1,
                    last_error="worker lost while sending",
                    error_log=OutboxMessage.error_log.concat(line),
                    send_after=now,
                    claim="",
                    job_id="",
                    job_at=None,
                    updated_at=now,
                )
                .where(
                    OutboxMessage.id.in_(chunk)
                    & (OutboxMessage.status == SENDING)
                    & (OutboxMessage.claimed_at < cutoff)
                )
                .execute()
            )
    return reset


def _jobs_alive(job_ids):
    """{job_id: bool} - is the job still waiting in Redis or being worked on?"""
    from rq.job import Job

    from ..extensions import get_redis

    job_ids = [j for j in job_ids if j]
    if not job_ids:
        return {}
    connection = get_redis()
    alive = {}
    for chunk in chunks(job_ids, 200):
        pipe = connection.pipeline()
        for job_id in chunk:
            pipe.hget(Job.key_for(job_id), "status")
        for job_id, status in zip(chunk, pipe.execute(), strict=True):
            state = status.decode() if isinstance(status, bytes) else status
            alive[job_id] = state in ALIVE_JOB_STATUSES
    return alive


def enqueue_due(now=None, settings=None, limit=50_000):
    """Enqueue due queued/failed rows that no live job will send (never enqueued, Redis lost
    the job, or a retry is due). Takes rows over with a compare-and-set on their job id, so two
    reconcilers never enqueue the same row twice. Returns the number of rows enqueued."""
    settings = settings or cfg.all_settings()
    now = now or utcnow()
    grace = now - dt.timedelta(seconds=settings["enqueue_grace_seconds"])
    rows = list(
        OutboxMessage.select(OutboxMessage.id, OutboxMessage.job_id)
        .where(
            OutboxMessage.status.in_(SENDABLE)
            & (OutboxMessage.send_after <= now)
            & ((OutboxMessage.job_id == "") | (OutboxMessage.job_at < grace))
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
        .tuples()
    )
    if not rows:
        return 0
    try:
        alive = _jobs_alive({job_id for _, job_id in rows})
    except (redis.RedisError, OSError) as exc:
        log.warning("outbox reconciler: Redis unavailable (%s)", exc)
        return 0
    groups = {}
    for row_id, job_id in rows:
        if job_id and alive.get(job_id):
            continue
        groups.setdefault(job_id, []).append(row_id)
    batch = settings["batch_size"]
    total = 0
    for old_job, ids in groups.items():
        for chunk in chunks(ids, batch):
            job_id = new_job_id()
            with transaction():
                taken = (
                    OutboxMessage.update(job_id=job_id, job_at=now)
                    .where(
                        OutboxMessage.id.in_(chunk)
                        & (OutboxMessage.job_id == old_job)
                        & OutboxMessage.status.in_(SENDABLE)
                    )
                    .execute()
                )
            if not taken:
                continue
            mine = [
                r.id
                for r in OutboxMessage.select(OutboxMessage.id).where(
                    OutboxMessage.job_id == job_id
                )
            ]
            if mine and enqueue_send(job_id, mine):
                total += len(mine)
    return total


def reconcile(now=None):
    """Reset stuck rows and enqueue due rows whose job is gone (every minute, and on demand);
    fold up the outbox counts."""
    settings = cfg.all_settings()
    reset = reset_stuck(now, settings)
    compact_counts()
    enqueued = 0 if cfg.is_paused() else enqueue_due(now, settings)
    return {"reset": reset, "enqueued": enqueued}
