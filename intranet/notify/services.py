"""The outbox API (see docs/DEVELOPING.md, "The outbox contract").

    with transaction():
        ...  # the business change
        queue_email(key="permit:42:30", to="someone@example.com",
                    template="owl/email/permit_warning", context={...}, language="en",
                    kind="owl.permit_warning", object_type="Permit", object_id=42)

The row is written in the caller's transaction; its RQ job is enqueued only after that transaction
commits (peewee ``after_commit``), or at once when there is no transaction. Rows written in one
transaction share jobs of up to ``batch_size`` rows. The same key twice yields one row and one
message. RQ delivers at least once; exactly-once per recipient comes from this table: a worker
claims rows with a conditional UPDATE and marks each row sent right after the server accepts it.
"""

import datetime as dt
import logging
import re
import uuid

import redis
from flask_babel import lazy_gettext as _l
from peewee import Case, fn

from ..extensions import db, get_queue, transaction
from ..models import utcnow
from . import settings as cfg
from .models import DEAD, FAILED, QUEUED, SENDABLE, SENDING, OutboxMessage
from .rendering import check_templates, dumps_context

log = logging.getLogger(__name__)

LANGUAGES = ("id", "en")
SEND_JOB = "intranet.notify.jobs.send_batch"
SEND_JOB_TIMEOUT = 3600  # a batch over a slow server; rows are re-claimed if the worker dies
ALIVE_JOB_STATUSES = {"queued", "scheduled", "deferred", "started", "created"}


# ----- recipients --------------------------------------------------------------------------------


class InvalidRecipient(ValueError):
    """A malformed e-mail address, refused when the row is written."""

    def __init__(self, address):
        self.address = address
        shown = str(address)[:100] if address is not None else ""
        self.message = _l("“%(address)s” is not a valid e-mail address.", address=shown)
        super().__init__(shown)

    def __str__(self):
        return str(self.message)


_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normalize_address(address):
    """A plain address (no display name), domain lower-cased and IDNA-encoded; else
    InvalidRecipient."""
    if not isinstance(address, str):
        raise InvalidRecipient(address)
    value = address.strip()
    if not value or len(value) > 254 or value.count("@") != 1:
        raise InvalidRecipient(address)
    local, domain = value.split("@")
    if len(local) > 64 or not _LOCAL.match(local):
        raise InvalidRecipient(address)
    try:
        domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise InvalidRecipient(address) from None
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise InvalidRecipient(address)
    if labels[-1].isdigit():
        raise InvalidRecipient(address)
    return f"{local}@{domain}"


def is_valid_address(address):
    try:
        normalize_address(address)
    except InvalidRecipient:
        return False
    return True


# ----- enqueueing --------------------------------------------------------------------------------


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


class _PendingJobs:
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
        for job_id, ids in self.chunks:
            if ids:
                enqueue_send(job_id, ids)
        self.chunks = []


def _pending_for_transaction():
    """The pending jobs of the caller's outermost transaction (registered once with
    ``after_commit``), or None when rows cannot wait for a commit hook."""
    state = db.obj._state
    if not state.transactions:
        return None
    outer = state.transactions[0]
    pending = getattr(outer, "_notify_pending", None)
    if pending is None:
        pending = _PendingJobs(cfg.setting("batch_size"))
        try:
            db.after_commit(pending.flush)
        except ValueError:  # manual_commit(): no hooks; the reconciler will enqueue
            return None
        outer._notify_pending = pending
    return pending


def queue_email(
    key,
    to,
    template,
    context,
    *,
    language="id",
    kind,
    object_type="",
    object_id="",
    send_after=None,
    cc=None,
):
    """Write one outbox row (or return the existing row with this key) and arrange its sending.

    Raises InvalidRecipient for a malformed ``to`` or ``cc`` address, ValueError for a bad key
    or kind, jinja2.TemplateNotFound when the template pair is missing, TypeError when the
    context is not serialisable (JSON plus date, datetime, Decimal). The returned row has
    ``was_created`` (False when the key already existed).
    """
    key = str(key or "").strip()
    if not key or len(key) > 200:
        raise ValueError("an outbox key is 1 to 200 characters")
    kind = str(kind or "").strip()
    if not kind or len(kind) > 80:
        raise ValueError("an outbox kind is 1 to 80 characters")
    to_address = normalize_address(to)
    cc_list = []
    for address in cc or []:
        normalized = normalize_address(address)
        if normalized != to_address and normalized not in cc_list:
            cc_list.append(normalized)
    language = language if language in LANGUAGES else "id"
    check_templates(template)
    payload = dumps_context(context)
    now = utcnow()
    due = send_after is None or send_after <= now

    pending = _pending_for_transaction() if due else None
    job_id = ""
    if due:
        job_id = pending.job_id() if pending is not None else new_job_id()

    query = OutboxMessage.insert(
        key=key,
        kind=kind,
        to_address=to_address,
        cc=",".join(cc_list),
        language=language,
        template=template,
        context=payload,
        object_type=str(object_type or "")[:60],
        object_id=str(object_id if object_id is not None else "")[:64],
        status=QUEUED,
        send_after=send_after or now,
        job_id=job_id,
        job_at=now if job_id else None,
        created_at=now,
        updated_at=now,
    ).on_conflict(conflict_target=[OutboxMessage.key], action="IGNORE")
    cursor = db.execute(query)
    created = cursor.rowcount == 1
    row = OutboxMessage.get(OutboxMessage.key == key)
    row.was_created = created
    if created and due:
        if pending is not None:
            pending.add(job_id, row.id)
        elif not db.in_transaction():
            enqueue_send(job_id, [row.id])
    return row


# ----- reconciler --------------------------------------------------------------------------------


def backoff_seconds(attempts, settings=None):
    settings = settings or cfg.all_settings()
    base = settings["backoff_seconds"]
    return min(settings["backoff_max_seconds"], base * 2 ** max(0, attempts - 1))


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
        for chunk in _chunks(ids, 500):
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


def _chunks(items, size):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _jobs_alive(job_ids):
    """{job_id: bool} - is the job still waiting in Redis or being worked on?"""
    from rq.job import Job

    from ..extensions import get_redis

    job_ids = [j for j in job_ids if j]
    if not job_ids:
        return {}
    connection = get_redis()
    alive = {}
    for chunk in _chunks(job_ids, 200):
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
        for chunk in _chunks(ids, batch):
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
    """Reset stuck rows and enqueue due rows whose job is gone (every minute, and on demand)."""
    settings = cfg.all_settings()
    reset = reset_stuck(now, settings)
    enqueued = 0 if cfg.is_paused() else enqueue_due(now, settings)
    return {"reset": reset, "enqueued": enqueued}


# ----- counts ----------------------------------------------------------------------------------


def counts_by_status():
    rows = (
        OutboxMessage.select(OutboxMessage.status, fn.COUNT(OutboxMessage.id))
        .group_by(OutboxMessage.status)
        .tuples()
    )
    return dict(rows)
