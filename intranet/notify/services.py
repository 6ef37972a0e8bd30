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

Good to know when writing e-mails:

* ``context`` is JSON plus ``date``, ``datetime`` and ``Decimal`` (they come back as such, so
  the templates can use ``|wib``, ``|id_date``, ``|rupiah``). Keys starting with ``secret_``
  (e.g. a link that signs someone in) are hidden from admins and wiped once the mail is sent.
* ``send_after`` in the future: the row waits; the reconciler hands it to a worker when due
  (within a minute).
* The returned row has ``was_created`` (False when the key already existed).
* ``status_counts(kind=..., key_prefix=...)`` gives {status: n} for a progress bar, and
  ``retry_messages(ids)`` re-sends failed or dead rows (never a sent one).
"""

import datetime as dt
import functools
import logging
import re
import uuid

import redis
from flask_babel import lazy_gettext as _l
from peewee import Case, fn

from ..extensions import db, get_queue, is_postgres, transaction
from ..models import utcnow
from . import settings as cfg
from .models import DEAD, FAILED, QUEUED, SENDABLE, SENDING, STATUSES, OutboxMessage
from .rendering import check_templates, dumps_context

log = logging.getLogger(__name__)

LANGUAGES = ("id", "en")
SEND_JOB = "intranet.notify.jobs.send_batch"
_CHECKED_TEMPLATES = set()
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
        # Runs inside peewee's commit: it must never raise (the rows are committed either way,
        # and the reconciler enqueues whatever is not).
        try:
            for job_id, ids in self.chunks:
                if ids:
                    enqueue_send(job_id, ids)
        except Exception:
            log.exception("outbox: enqueueing after commit failed; the reconciler will")
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


def _checked(key, kind, to, cc, template, language, *, drop_bad_cc=False):
    """queue_email's and queue_many's checks: (key, kind, to, cc as text, language). Raises
    ValueError for a bad key or kind, InvalidRecipient for a malformed address (a malformed copy
    address is logged and dropped with ``drop_bad_cc``), TemplateNotFound for a missing pair."""
    key = str(key or "").strip()
    if not key or len(key) > 200:
        raise ValueError("an outbox key is 1 to 200 characters")
    kind = str(kind or "").strip()
    if not kind or len(kind) > 80:
        raise ValueError("an outbox kind is 1 to 80 characters")
    to_address = normalize_address(to)
    cc_list = []
    for address in cc or ():
        try:
            normalized = normalize_address(address)
        except InvalidRecipient as exc:
            if not drop_bad_cc:
                raise
            log.warning("outbox: %s: copy not sent: %s", key, exc)
            continue
        if normalized != to_address and normalized not in cc_list:
            cc_list.append(normalized)
    if template not in _CHECKED_TEMPLATES:
        check_templates(template)
        _CHECKED_TEMPLATES.add(template)
    return key, kind, to_address, ",".join(cc_list), language if language in LANGUAGES else "id"


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
    key, kind, to_address, cc_text, language = _checked(key, kind, to, cc, template, language)
    payload = dumps_context(context)
    now = utcnow()
    due = send_after is None or send_after <= now

    pending = _pending_for_transaction() if due else None
    job_id = ""
    if due:
        job_id = pending.job_id() if pending is not None else new_job_id()

    values = {
        "key": key,
        "kind": kind,
        "to_address": to_address,
        "cc": cc_text,
        "language": language,
        "template": template,
        "context": payload,
        "object_type": str(object_type or "")[:60],
        "object_id": str(object_id if object_id is not None else "")[:64],
        "status": QUEUED,
        "attempts": 0,
        "last_error": "",
        "error_log": "",
        "send_after": send_after or now,
        "sent_at": None,
        "message_id": "",
        "subject": "",
        "job_id": job_id,
        "job_at": now if job_id else None,
        "claim": "",
        "claimed_at": None,
        "created_at": now,
        "updated_at": now,
    }
    row_id = _insert_if_new(values)
    created = row_id is not None
    if created:
        # The row as peewee builds one read from the database (no defaults, nothing dirty), with
        # its values set at once rather than field by field.
        row = OutboxMessage(__no_default__=True)
        row.__data__ = {"id": row_id, **values}
    else:
        row = OutboxMessage.get(OutboxMessage.key == key)
    row.was_created = created
    if created and due:
        if pending is not None:
            pending.add(job_id, row.id)
        elif not db.in_transaction():
            enqueue_send(job_id, [row.id])
    return row


class Queued(dict):
    """What ``queue_many`` wrote: {key: row id} for every message queued, whether its row is new
    or already had the key; ``created`` lists the keys of the new rows, ``skipped`` the keys left
    out for a malformed recipient (``skip_invalid=True``)."""

    def __init__(self):
        super().__init__()
        self.created = []
        self.skipped = []


MANY_CHUNK = 500  # rows per INSERT statement


def queue_many(messages, *, skip_invalid=False):
    """The bulk form of ``queue_email`` (pay runs, daily scans, broadcasts): the same checks and
    the same rows, written with one multi-row INSERT per 500 messages instead of a round trip
    each. ``messages`` are dicts with ``queue_email``'s arguments (``key``, ``to``, ``template``,
    ``context``, ``kind`` and optionally ``language``, ``object_type``, ``object_id``,
    ``send_after``, ``cc``).

    As with ``queue_email``: written in the caller's transaction (or one of its own), a key that
    already exists keeps its row and is not sent again, and the rows' send jobs (``batch_size``
    rows each) are enqueued only after the commit. A malformed ``to`` or ``cc`` address raises
    InvalidRecipient before anything is written; with ``skip_invalid=True`` that message is left
    out instead (a malformed copy address is dropped) and logged. Returns a ``Queued``.
    """
    result = Queued()
    prepared = []
    now = utcnow()
    for m in messages:
        template = m["template"]
        try:
            key, kind, to_address, cc_text, language = _checked(
                m.get("key"),
                m.get("kind"),
                m.get("to"),
                m.get("cc"),
                template,
                m.get("language", "id"),
                drop_bad_cc=skip_invalid,
            )
        except InvalidRecipient as exc:  # the "to" address (copies are dropped, not raised)
            if not skip_invalid:
                raise
            key = str(m.get("key") or "").strip()
            log.warning("outbox: %s not queued: %s", key, exc)
            result.skipped.append(key)
            continue
        object_id = m.get("object_id", "")
        send_after = m.get("send_after")
        prepared.append(
            (
                key,
                kind,
                to_address,
                cc_text,
                language,
                template,
                dumps_context(m.get("context")),
                str(m.get("object_type") or "")[:60],
                str(object_id if object_id is not None else "")[:64],
                send_after,
                send_after is None or send_after <= now,
            )
        )
    if not prepared:
        return result
    with transaction():
        pending = _pending_for_transaction()
        batch = pending.batch_size if pending is not None else max(1, cfg.setting("batch_size"))
        due = [p for p in prepared if p[-1]]
        waiting = [p for p in prepared if not p[-1]]
        for start in range(0, len(due), batch):
            job_id = new_job_id()
            created = _insert_many(due[start : start + batch], job_id, now, result)
            if created and pending is not None:
                pending.chunks.append((job_id, created))
        if waiting:
            _insert_many(waiting, "", now, result)
        missing = [p[0] for p in prepared if p[0] not in result]
        for chunk in _chunks(missing, MANY_CHUNK):
            result.update(
                OutboxMessage.select(OutboxMessage.key, OutboxMessage.id)
                .where(OutboxMessage.key.in_(chunk))
                .tuples()
            )
    return result


def _insert_many(prepared, job_id, now, result):
    """INSERT ... ON CONFLICT (key) DO NOTHING RETURNING id, key for rows of one job; the ids of
    the new rows (in ``result`` too)."""
    database = db.obj
    p = database.param
    columns = ", ".join(f'"{c}"' for c in _INSERT_COLUMNS)
    one = "(" + ", ".join([p] * len(_INSERT_COLUMNS)) + ")"
    created = []
    db_now = OutboxMessage.created_at.db_value(now)
    job_at = db_now if job_id else None
    for start in range(0, len(prepared), MANY_CHUNK):
        part = prepared[start : start + MANY_CHUNK]
        params = []
        for key, kind, to, cc, lang, template, context, otype, oid, send_after, _due in part:
            params += (
                key,
                kind,
                to,
                cc,
                lang,
                template,
                context,
                otype,
                oid,
                QUEUED,
                0,
                "",
                "",
                OutboxMessage.send_after.db_value(send_after) if send_after else db_now,
                None,
                "",
                "",
                job_id,
                job_at,
                "",
                None,
                db_now,
                db_now,
            )
        cursor = database.execute_sql(
            f'INSERT INTO "outbox_message" ({columns}) VALUES '
            + ", ".join([one] * len(part))
            + ' ON CONFLICT ("key") DO NOTHING RETURNING "id", "key"',
            params,
        )
        for row_id, key in cursor.fetchall():
            result[key] = row_id
            result.created.append(key)
            created.append(row_id)
    return sorted(created)


_INSERT_COLUMNS = (
    "key",
    "kind",
    "to_address",
    "cc",
    "language",
    "template",
    "context",
    "object_type",
    "object_id",
    "status",
    "attempts",
    "last_error",
    "error_log",
    "send_after",
    "sent_at",
    "message_id",
    "subject",
    "job_id",
    "job_at",
    "claim",
    "claimed_at",
    "created_at",
    "updated_at",
)
_DATETIME_COLUMNS = {"send_after", "sent_at", "job_at", "claimed_at", "created_at", "updated_at"}


def _insert_if_new(values):
    """INSERT ... ON CONFLICT (key) DO NOTHING; the new id, or None when the key exists.
    (Every e-mail of a 10,000-notice pay run passes here, so this is plain SQL.)"""
    database = db.obj
    to_db = OutboxMessage.created_at.db_value
    params = [to_db(values[c]) if c in _DATETIME_COLUMNS else values[c] for c in _INSERT_COLUMNS]
    if is_postgres():
        cursor = database.execute_sql(_insert_sql(database.param) + ' RETURNING "id"', params)
        found = cursor.fetchone()
        return found[0] if found else None
    cursor = database.execute_sql(_insert_sql(database.param), params)
    return cursor.lastrowid if cursor.rowcount == 1 else None


@functools.lru_cache(maxsize=4)
def _insert_sql(p):
    columns = ", ".join(f'"{c}"' for c in _INSERT_COLUMNS)
    return (
        f'INSERT INTO "outbox_message" ({columns}) VALUES ({", ".join([p] * len(_INSERT_COLUMNS))})'
        ' ON CONFLICT ("key") DO NOTHING'
    )


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
    """Reset stuck rows and enqueue due rows whose job is gone (every minute, and on demand);
    fold up the outbox counts."""
    settings = cfg.all_settings()
    reset = reset_stuck(now, settings)
    compact_counts()
    enqueued = 0 if cfg.is_paused() else enqueue_due(now, settings)
    return {"reset": reset, "enqueued": enqueued}


# ----- counts ----------------------------------------------------------------------------------


def counts_by_kind():
    """{kind: {status: n}} over the whole outbox, sorted by kind; exact (see ``OutboxCount``).
    Reads the small ``outbox_count`` table, not the outbox; folds it up when it has grown."""
    result = {}
    appended = 0
    for kind, status, n, rows in db.execute_sql(_COUNTS_SQL).fetchall():
        appended += rows
        if n:
            result.setdefault(kind, {})[status] = n
    if appended > COMPACT_AFTER:
        compact_counts()
    return dict(sorted(result.items()))


def counts_by_status():
    """{status: n} over the whole outbox; exact."""
    by_status = {}
    for statuses in counts_by_kind().values():
        for status, n in statuses.items():
            by_status[status] = by_status.get(status, 0) + n
    return by_status


_COUNTS_SQL = 'SELECT kind, status, SUM(n), COUNT(*) FROM "outbox_count" GROUP BY kind, status'
# More appended rows than this and a read folds them up (the reconciler does every minute).
COMPACT_AFTER = 2000


def compact_counts():
    """Fold the rows the triggers appended to ``outbox_count`` into one row per (kind, status).
    Safe beside writers and another compaction: each folds exactly the rows its own DELETE
    removed (rows appended meanwhile stay for the next one). Returns the rows folded."""
    with transaction():
        folded = db.execute_sql('DELETE FROM "outbox_count" RETURNING kind, status, n').fetchall()
        sums = {}
        for kind, status, n in folded:
            sums[(kind, status)] = sums.get((kind, status), 0) + n
        rows = [(kind, status, n) for (kind, status), n in sorted(sums.items()) if n]
        if rows:
            p = db.obj.param
            db.obj.cursor().executemany(
                f'INSERT INTO "outbox_count" (kind, status, n) VALUES ({p}, {p}, {p})', rows
            )
    return len(folded)


# ----- admin actions -----------------------------------------------------------------------------


class OutboxError(Exception):
    """An admin action that cannot be done, with a message for the admin."""


def _requeue(ids, note, statuses=(DEAD,)):
    """Rows back to ``queued``, due now, with a fresh set of attempts, in jobs enqueued after the
    caller's commit. Only rows in ``statuses`` move (never a sent one). Returns how many did."""
    pending = _pending_for_transaction()
    now = utcnow()
    line = f"{now:%Y-%m-%d %H:%M:%S} UTC: {note}\n"
    total = 0
    for chunk in _chunks(list(ids), pending.batch_size if pending else 500):
        job_id = new_job_id()
        taken = (
            OutboxMessage.update(
                status=QUEUED,
                attempts=0,
                send_after=now,
                last_error="",
                error_log=OutboxMessage.error_log.concat(line),
                job_id=job_id,
                job_at=now,
                claim="",
                updated_at=now,
            )
            .where(OutboxMessage.id.in_(chunk) & OutboxMessage.status.in_(statuses))
            .execute()
        )
        if taken and pending is not None:
            pending.chunks.append((job_id, list(chunk)))
        total += taken
    return total


def retry_messages(ids, actor=None, note="retried"):
    """For the features' "re-send failed" buttons: rows that failed (waiting for a retry) or gave
    up (dead) are sent again now with a fresh set of attempts. Sent, queued and sending rows are
    left alone, so a re-send never duplicates a delivered e-mail. Returns how many rows moved."""
    from ..audit.services import record

    ids = list(ids)
    with transaction():
        count = _requeue(ids, note, statuses=(FAILED, DEAD))
        if count:
            record(
                "notify.messages_retried",
                object_type="OutboxMessage",
                object_id=ids[0],
                actor=actor,
                detail={"count": count},
            )
    return count


def status_counts(*, kind=None, object_type=None, object_ids=None, key_prefix=None):
    """{status: n} over the rows that match, e.g. for a progress bar of one pay run:
    ``status_counts(kind="emak.pay_notice", key_prefix=f"pay:{run.id}:")``."""
    query = OutboxMessage.select(OutboxMessage.status, fn.COUNT(OutboxMessage.id))
    if kind is not None:
        query = query.where(OutboxMessage.kind == kind)
    if object_type is not None:
        query = query.where(OutboxMessage.object_type == object_type)
    if object_ids is not None:
        query = query.where(OutboxMessage.object_id.in_([str(i) for i in object_ids]))
    if key_prefix:
        query = query.where(OutboxMessage.key.startswith(key_prefix))
    counts = {status: 0 for status in STATUSES}
    counts.update(dict(query.group_by(OutboxMessage.status).tuples()))
    return counts


def retry_message(message_id, actor=None):
    from ..audit.services import record

    with transaction():
        row = OutboxMessage.get_or_none(OutboxMessage.id == message_id)
        if row is None:
            raise LookupError(message_id)
        if row.status != DEAD:
            raise OutboxError(_l("Only messages that gave up (dead) can be retried."))
        _requeue([row.id], "retried by an administrator")
        record("notify.message_retried", row, actor=actor, detail={"kind": row.kind})
    return row


def retry_dead(kind, actor=None):
    """Retry every dead row of one kind. Returns the number of rows requeued."""
    from ..audit.services import record

    with transaction():
        ids = [
            r.id
            for r in OutboxMessage.select(OutboxMessage.id)
            .where((OutboxMessage.status == DEAD) & (OutboxMessage.kind == kind))
            .order_by(OutboxMessage.id)
        ]
        if not ids:
            raise OutboxError(_l("There are no dead messages of this kind."))
        count = _requeue(ids, "retried by an administrator (all dead of this kind)")
        record(
            "notify.dead_retried",
            object_type="OutboxMessage",
            object_id=ids[0],
            actor=actor,
            detail={"kind": kind, "count": count},
        )
    return count


def pause_sending(actor=None):
    from ..audit.services import record

    with transaction():
        cfg.set_paused(True)
        record("notify.sending_paused", object_type="Outbox", object_id="", actor=actor)


def resume_sending(actor=None):
    """Resume, and hand every waiting row to a job at once."""
    from ..audit.services import record

    with transaction():
        cfg.set_paused(False)
        record("notify.sending_resumed", object_type="Outbox", object_id="", actor=actor)
    return enqueue_due()


def send_test_message(address, actor):
    """A test e-mail from the admin page: checks the path to the mail server end to end."""
    from ..audit.services import record

    with transaction():
        row = queue_email(
            f"notify.test:{uuid.uuid4().hex}",
            address,
            "notify/email/test_message",
            {"requested_by": actor.name, "requested_at": utcnow()},
            language=actor.language if actor.language in LANGUAGES else "id",
            kind="notify.test",
            object_type="User",
            object_id=actor.id,
        )
        record("notify.test_message_queued", row, actor=actor, detail={"kind": row.kind})
    return row


def latest_dead_id():
    """The newest dead row's id (through the (status) index), or None."""
    sql = f'SELECT MAX(id) FROM "outbox_message" WHERE status = {db.obj.param}'
    return db.execute_sql(sql, (DEAD,)).fetchone()[0]
