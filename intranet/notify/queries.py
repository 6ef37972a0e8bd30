"""The reads of notify's admin list pages: the outbox list (plain SQL, newest first, keyset on
the id) and the scheduler's runs."""

from ..core import caches
from ..extensions import db, is_postgres
from ..jobs.models import ScheduledRun

PAGE_SIZE = 50

_OUTBOX_SQL = (
    "SELECT id, created_at, kind, to_address, subject, template, status, attempts, last_error, "
    'send_after, sent_at FROM "outbox_message"{where} ORDER BY id DESC LIMIT {limit}'
)


@caches.memoize("notify.outbox_sql", maxsize=32)
def _outbox_sql(param, postgres, status, kind, q, before):
    """The list query for one combination of filters, built once: newest first, keyset on id
    (the primary key, or the (status) / (kind, status) index, which end in the id)."""
    where = []
    if status:
        where.append(f"status = {param}")
    if kind:
        where.append(f"kind = {param}")
    if q:
        like = "ILIKE" if postgres else "LIKE"
        where.append(
            f"(to_address = {param} OR to_address = {param} OR key = {param}"
            f" OR key {like} {param} ESCAPE '\\')"
        )
    if before:
        where.append(f"id < {param}")
    return _OUTBOX_SQL.format(
        where=" WHERE " + " AND ".join(where) if where else "", limit=PAGE_SIZE + 1
    )


def _like_prefix(value):
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def outbox_rows(status, kind, q, before):
    """Up to PAGE_SIZE + 1 rows (one more tells there is an older page) as tuples: id,
    created_at, kind, to_address, subject, template, status, attempts, last_error, send_after,
    sent_at."""
    params = []
    if status:
        params.append(status)
    if kind:
        params.append(kind)
    if q:
        params += [q.lower(), q, q, _like_prefix(q)]
    if before:
        params.append(before)
    sql = _outbox_sql(db.obj.param, is_postgres(), bool(status), bool(kind), bool(q), bool(before))
    return db.execute_sql(sql, params).fetchall()


def latest_runs(job_names):
    """{job: its newest run or None}."""
    latest = {}
    for name in job_names:
        latest[name] = (
            ScheduledRun.select()
            .where(ScheduledRun.job == name)
            .order_by(ScheduledRun.slot.desc())
            .first()
        )
    return latest


def runs_page(job_filter, before):
    """Up to PAGE_SIZE + 1 runs, newest first, of one job or all, older than ``before``."""
    query = ScheduledRun.select().order_by(ScheduledRun.id.desc())
    if job_filter:
        query = query.where(ScheduledRun.job == job_filter)
    if before:
        query = query.where(ScheduledRun.id < before)
    return list(query.limit(PAGE_SIZE + 1))
