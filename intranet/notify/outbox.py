"""Queueing e-mails: the outbox API (see docs/DEVELOPING.md, "The outbox contract").

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
"""

import logging

from ..core import caches
from ..extensions import db, is_postgres, transaction
from ..models import utcnow
from . import settings as cfg
from .enqueue import chunks, enqueue_send, new_job_id, pending_for_transaction
from .models import QUEUED, OutboxMessage
from .recipients import InvalidRecipient, normalize_address
from .rendering import check_templates, dumps_context

log = logging.getLogger(__name__)

LANGUAGES = ("id", "en")
# Templates whose pair was found once (a missing one raises before any row is written).
_CHECKED_TEMPLATES = caches.Cache("notify.checked_templates", maxsize=256)


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
    if _CHECKED_TEMPLATES.get(template) is None:
        check_templates(template)
        _CHECKED_TEMPLATES.put(template, True)
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

    pending = pending_for_transaction() if due else None
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
        pending = pending_for_transaction()
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
        for chunk in chunks(missing, MANY_CHUNK):
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


@caches.memoize("notify.insert_sql", maxsize=4)
def _insert_sql(p):
    columns = ", ".join(f'"{c}"' for c in _INSERT_COLUMNS)
    return (
        f'INSERT INTO "outbox_message" ({columns}) VALUES ({", ".join([p] * len(_INSERT_COLUMNS))})'
        ' ON CONFLICT ("key") DO NOTHING'
    )
