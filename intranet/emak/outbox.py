"""Many pay notices into the outbox at once.

The outbox contract (``intranet.notify.services.queue_email``) writes one row per call: an INSERT
and a SELECT each. A pay run of the whole office is thousands of notices in the one transaction
of the send click, so this writes them the same way ``queue_email`` does (same columns, same
idempotent key, addresses validated by the outbox's own ``normalize_address``, templates checked
by its ``check_templates``, context encoded by its ``dumps_context``, one send job per
``batch_size`` rows enqueued only after the commit) but with one INSERT per 500 rows. A key that
already exists keeps its row (INSERT ... ON CONFLICT DO NOTHING), exactly as with queue_email.

This belongs in ``intranet.notify`` as a ``queue_many``; it lives here until the outbox offers it.
"""

import sqlite3

from ..extensions import db, is_sqlite
from ..models import utcnow

CHUNK = 500


def queue_notices(messages, *, template, kind, object_type, object_id, send_after=None):
    """Write outbox rows for ``messages`` = [(key, to, context, language)] inside the caller's
    transaction. Returns {key: row id}. Raises InvalidRecipient (with the offending address)
    before writing anything when an address is malformed."""
    from ..notify import settings as notify_settings
    from ..notify.models import QUEUED, OutboxMessage
    from ..notify.rendering import check_templates, dumps_context
    from ..notify.services import LANGUAGES, enqueue_send, new_job_id, normalize_address

    if not db.in_transaction():
        raise RuntimeError("queue_notices writes inside the caller's transaction")
    check_templates(template)
    now = utcnow()
    due = send_after is None or send_after <= now
    batch = max(1, int(notify_settings.setting("batch_size")))
    prepared = [
        (key, normalize_address(to), dumps_context(context), lang if lang in LANGUAGES else "id")
        for key, to, context, lang in messages
    ]
    fields = [
        OutboxMessage.key,
        OutboxMessage.kind,
        OutboxMessage.to_address,
        OutboxMessage.cc,
        OutboxMessage.language,
        OutboxMessage.template,
        OutboxMessage.context,
        OutboxMessage.object_type,
        OutboxMessage.object_id,
        OutboxMessage.status,
        OutboxMessage.send_after,
        OutboxMessage.job_id,
        OutboxMessage.job_at,
        OutboxMessage.created_at,
        OutboxMessage.updated_at,
    ]
    object_type = str(object_type or "")[:60]
    object_id = str(object_id if object_id is not None else "")[:64]
    jobs = []
    for start in range(0, len(prepared), batch):
        job_id = new_job_id() if due else ""
        chunk = prepared[start : start + batch]
        rows = [
            (
                key,
                kind,
                to,
                "",
                lang,
                template,
                context,
                object_type,
                object_id,
                QUEUED,
                send_after or now,
                job_id,
                now if job_id else None,
                now,
                now,
            )
            for key, to, context, lang in chunk
        ]
        for first in range(0, len(rows), CHUNK):
            _insert_ignoring_existing(OutboxMessage, fields, rows[first : first + CHUNK])
        if job_id:
            jobs.append(job_id)
    keys = [m[0] for m in prepared]
    ids = {}
    for start in range(0, len(keys), CHUNK):
        ids.update(
            OutboxMessage.select(OutboxMessage.key, OutboxMessage.id)
            .where(OutboxMessage.key.in_(keys[start : start + CHUNK]))
            .tuples()
        )
    if jobs:

        def enqueue():
            # Only rows this call created carry its job ids; rows that existed keep their own.
            for job_id in jobs:
                created = [
                    row_id
                    for (row_id,) in OutboxMessage.select(OutboxMessage.id)
                    .where(OutboxMessage.job_id == job_id)
                    .tuples()
                ]
                if created:
                    enqueue_send(job_id, created)

        db.after_commit(enqueue)
    return ids


def _insert_ignoring_existing(model, fields, rows):
    """INSERT ... VALUES (...), (...) ON CONFLICT (key) DO NOTHING, the SQL written once per
    chunk (peewee builds it value by value, which costs more than the insert itself here).
    Columns not given get their model default, as peewee's own inserts do. SQLite (3.24+) and
    PostgreSQL both accept the statement."""
    if not rows:
        return
    given = {f.name: i for i, f in enumerate(fields)}
    columns = [f for f in model._meta.sorted_fields if not f.primary_key]
    defaults = {}
    for f in columns:
        if f.name not in given:
            default = f.default() if callable(f.default) else f.default
            defaults[f.name] = f.db_value(default)
    names = ", ".join(f'"{f.column_name}"' for f in columns)
    one = "(" + ", ".join([db.param] * len(columns)) + ")"
    per_statement = len(rows)
    if is_sqlite() and sqlite3.sqlite_version_info < (3, 32, 0):
        per_statement = max(1, 999 // len(columns))  # older SQLite: 999 parameters at most
    for start in range(0, len(rows), per_statement):
        part = rows[start : start + per_statement]
        sql = (
            f'INSERT INTO "{model._meta.table_name}" ({names}) VALUES '
            + ", ".join([one] * len(part))
            + ' ON CONFLICT ("key") DO NOTHING'
        )
        params = []
        for row in part:
            for f in columns:
                i = given.get(f.name)
                params.append(f.db_value(row[i]) if i is not None else defaults[f.name])
        db.execute_sql(sql, params)
