"""Outbox counts: the exact figures of the admin's page (from the trigger-kept ``outbox_count``
table), a feature's progress bar (``status_counts``), and the newest dead row."""

from peewee import fn

from ..extensions import db, transaction
from .models import DEAD, STATUSES, OutboxMessage


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


def latest_dead_id():
    """The newest dead row's id (through the (status) index), or None."""
    sql = f'SELECT MAX(id) FROM "outbox_message" WHERE status = {db.obj.param}'
    return db.execute_sql(sql, (DEAD,)).fetchone()[0]
