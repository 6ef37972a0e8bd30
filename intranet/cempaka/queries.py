"""Si Cempaka's list-page reads: the supervisor's review queue (filters, the pending count, pages),
an employee's own deliverables with their counts, and a deliverable's history.

The queue and "my deliverables" are the pages staff open most: their rows are light tuples of a
fixed column list (never the coordinates), and their SQL is written once per shape and database
(``CompiledQueries``, ``_queue_sql_for``) and kept in the cache registry (``intranet.core.caches``).
"""

import datetime as dt
from collections import namedtuple
from dataclasses import dataclass

from peewee import JOIN, DateField, DateTimeField, fn

from ..core import caches
from ..extensions import db
from ..people.models import User
from .models import (
    PENDING,
    STATUSES,
    Review,
    Submission,
    SubmissionFile,
    SubmissionVersion,
)


def reports_of(supervisor):
    return User.select(User.id).where(User.supervisor == supervisor.id)


def search_pattern(text):
    """A LIKE pattern for free text (wildcards typed by the user are dropped: SQLite and
    PostgreSQL do not agree on an escape character)."""
    cleaned = "".join(ch for ch in text.lower() if ch not in "%_\\")
    return f"%{cleaned.strip()}%"


@dataclass
class QueueFilters:
    employee_id: int | None = None
    status: str = ""  # "" = every status, pending first
    flag: int = 0  # a FLAG_* bit, -1 = without flags
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""


def _filtered(query, f, employees):
    if f.employee_id:
        query = query.where(Submission.employee == f.employee_id)
    if f.flag == -1:
        query = query.where(Submission.flags == 0)
    elif f.flag:
        query = query.where(Submission.flags.bin_and(f.flag) != 0)
    if f.date_from:
        query = query.where(Submission.work_date >= f.date_from)
    if f.date_to:
        query = query.where(Submission.work_date <= f.date_to)
    if f.q:
        like = search_pattern(f.q)
        names = employees.where(fn.LOWER(User.name) ** like)
        query = query.where((fn.LOWER(Submission.title) ** like) | Submission.employee.in_(names))
    return query


# The columns a list row shows: light tuples rather than models, and never the coordinates.
LIST_COLUMNS = (
    Submission.id,
    Submission.employee.alias("employee_id"),
    Submission.title,
    Submission.work_date,
    Submission.submitted_at,
    Submission.version,
    Submission.status,
    Submission.flags,
    Submission.file_count,
    Submission.location_status,
    Submission.accuracy_m,
    Submission.distance_m,
    Submission.decision_comment,
    Submission.decided_at,
)
_first_file = SubmissionFile.alias("first_file")


def _first_file_column(column, alias):
    """The current version's first file (id or name), in the row's own query."""
    return (
        _first_file.select(column)
        .where(
            (_first_file.submission == Submission.id) & (_first_file.version == Submission.version)
        )
        .order_by(_first_file.id)
        .limit(1)
        .alias(alias)
    )


QUEUE_COLUMNS = (
    *LIST_COLUMNS,
    User.name.alias("employee_name"),
    _first_file_column(_first_file.id, "file_id"),
    _first_file_column(_first_file.original_name, "file_name"),
)


def _row_type(name, columns):
    """A namedtuple class for a fixed column list (peewee's .namedtuples() builds a new class
    for every query, which costs more than the query on these pages)."""
    return namedtuple(name, [getattr(c, "_alias", None) or c.name for c in columns])


TOTAL_COLUMN = fn.COUNT(Submission.id).over().alias("total")
ListRow = _row_type("ListRow", LIST_COLUMNS)
QueueRow = _row_type("QueueRow", QUEUE_COLUMNS)
QueueRowTotal = _row_type("QueueRowTotal", (*QUEUE_COLUMNS, TOTAL_COLUMN))
StatusCount = namedtuple("StatusCount", ["status", "n"])


def _fetch(query, row_type):
    return [row_type._make(t) for t in query.tuples()]


def _converter(column):
    """The conversion a column's raw value needs: only dates and timestamps (SQLite hands them
    back as ISO text; numbers and text come back as Python values from both drivers)."""
    node = getattr(column, "node", column)  # an alias names a field
    if isinstance(node, DateField | DateTimeField):
        return node.python_value
    return None


class CompiledQueries:
    """The SQL of the hot list queries, written once per shape and database: peewee spends
    longer writing these queries than the database spends running them. Only integer
    parameters vary (ids, limit, offset); the builder is called once with sentinel values to
    find where they go in the parameter list."""

    def __init__(self, name, maxsize=64):
        self._entries = caches.Cache(name, maxsize=maxsize)

    def fetch(self, shape, build, row_type, **ints):
        key = (shape, type(db.obj))
        entry = self._entries.get(key)
        if entry is None:
            sentinels = {name: -(1_000_000_007 + i) for i, name in enumerate(sorted(ints))}
            query = build(**sentinels)
            sql, params = query.sql()
            names = {value: name for name, value in sentinels.items()}
            slots = [(names.get(p) if isinstance(p, int) else None, p) for p in params]
            if sorted(n for n, _p in slots if n) != sorted(ints):
                return _fetch(build(**ints), row_type)  # a shape we cannot cache
            converters = [_converter(c) for c in query._returning]
            entry = self._entries.put(key, (sql, slots, converters))
        sql, slots, converters = entry
        params = [ints[name] if name else value for name, value in slots]
        rows = db.execute_sql(sql, params).fetchall()
        columns = [(i, c) for i, c in enumerate(converters) if c is not None]
        if not columns:
            return [row_type._make(r) for r in rows]
        seen = [{} for _c in columns]  # a page repeats its dates
        out = []
        for r in rows:
            r = list(r)
            for (i, convert), known in zip(columns, seen, strict=True):
                value = r[i]
                if isinstance(value, str):
                    done = known.get(value)
                    if done is None:
                        done = known[value] = convert(value)
                    r[i] = done
            out.append(row_type._make(r))
        return out


compiled = CompiledQueries("cempaka.compiled_queries")


def _rows(query, offset, limit, newest_first, with_total=False):
    order = (
        (Submission.work_date.desc(), Submission.id.desc())
        if newest_first
        else (Submission.work_date, Submission.id)
    )
    columns, row_type = QUEUE_COLUMNS, QueueRow
    if with_total:  # the number of matching rows, in the same query
        columns, row_type = (*columns, TOTAL_COLUMN), QueueRowTotal
    return _fetch(
        query.select(*columns)
        .join(User, on=(Submission.employee == User.id))
        .order_by(*order)
        .offset(offset)
        .limit(limit),
        row_type,
    )


def queue_row(submission_id):
    """One queue row (after an inline decision)."""
    rows = _fetch(
        Submission.select(*QUEUE_COLUMNS)
        .join(User, on=(Submission.employee == User.id))
        .where(Submission.id == submission_id),
        QueueRow,
    )
    return rows[0] if rows else None


def review_queue(supervisor, filters, page=1, per_page=20):
    """Rows for a supervisor's queue: direct reports only, pending first (oldest work first),
    then the decided ones (newest first). Returns (rows, pending_count, has_next).

    Only the pending rows are counted (a few hundred at most); the decided history is paged
    with a look-ahead row, never counted."""
    offset = (page - 1) * per_page
    if filters == QueueFilters():  # the usual view: prepared SQL
        return _default_queue(supervisor.id, offset, per_page)
    base = Submission.select(Submission.id).where(Submission.employee.in_(reports_of(supervisor)))
    base = _filtered(base, filters, reports_of(supervisor))
    if filters.status:
        rows = _rows(
            base.where(Submission.status == filters.status),
            offset,
            per_page + 1,
            newest_first=filters.status != PENDING,
        )
        pending_count = None
    else:
        pending_q = base.where(Submission.status == PENDING)
        rows = _rows(pending_q, offset, per_page + 1, newest_first=False, with_total=True)
        pending_count = rows[0].total if rows else pending_q.count()
        if len(rows) < per_page + 1:
            rest_offset = max(0, offset - pending_count)
            rows += _rows(
                base.where(Submission.status != PENDING),
                rest_offset,
                per_page + 1 - len(rows),
                newest_first=True,
            )
    has_next = len(rows) > per_page
    return rows[:per_page], pending_count, has_next


def _reports_base(supervisor_id):
    return Submission.select(Submission.id).where(
        Submission.employee.in_(User.select(User.id).where(User.supervisor == supervisor_id))
    )


# The unfiltered queue (the page supervisors open most) in plain SQL: the inner query walks the
# (employee, status, work_date) index only, and the rows' columns, the employee's name and the
# current version's first file are fetched for the page's rows alone. The pending rows are
# counted by a scalar subquery over the same index (a few hundred entries; a window COUNT costs
# several times more on SQLite).
_QUEUE_SQL = (
    "SELECT s.id, s.employee_id, s.title, s.work_date, s.submitted_at, s.version, s.status, "
    "s.flags, s.file_count, s.location_status, s.accuracy_m, s.distance_m, s.decision_comment, "
    "s.decided_at, u.name, f.id, f.original_name{total} "
    'FROM (SELECT id, work_date FROM "{sub}" WHERE {mine} AND status {op} {p} '
    "ORDER BY work_date {order}, id {order} LIMIT {p} OFFSET {p}) AS page "
    'JOIN "{sub}" AS s ON s.id = page.id JOIN "{user}" AS u ON u.id = s.employee_id '
    'LEFT JOIN "{file}" AS f ON f.id = (SELECT MIN(ff.id) FROM "{file}" AS ff '
    "WHERE ff.submission_id = s.id AND ff.version = s.version) "
    "ORDER BY page.work_date {order}, page.id {order}"
)
_QUEUE_TOTAL = ', (SELECT COUNT(*) FROM "{sub}" WHERE {mine} AND status = {p})'
_QUEUE_MINE = 'employee_id IN (SELECT id FROM "{user}" WHERE supervisor_id = {p})'
_queue_sql = caches.Cache("cempaka.queue_sql", maxsize=16)  # (part, database's parameter mark)


def _queue_sql_for(kind):
    """The SQL of one part of the queue ("pending" with its count, or "decided"), written once
    per database."""
    key = (kind, db.param)
    sql = _queue_sql.get(key)
    if sql is None:
        names = dict(
            sub=Submission._meta.table_name,
            user=User._meta.table_name,
            file=SubmissionFile._meta.table_name,
            p=db.param,
        )
        names["mine"] = _QUEUE_MINE.format(**names)
        pending = kind == "pending"
        sql = _queue_sql.put(
            key,
            _QUEUE_SQL.format(
                total=_QUEUE_TOTAL.format(**names) if pending else "",
                op="=" if pending else "<>",
                order="ASC" if pending else "DESC",
                **names,
            ),
        )
    return sql


def _date_converters():
    """Converters for the date columns of a queue row (SQLite hands back ISO text), memoised
    per call: a page repeats the same work dates."""
    seen = {}
    date_value = Submission.work_date.python_value
    datetime_value = Submission.submitted_at.python_value

    def as_date(value):
        if value is None or not isinstance(value, str):
            return value
        out = seen.get(value)
        if out is None:
            out = seen[value] = date_value(value)
        return out

    def as_datetime(value):
        if value is None or not isinstance(value, str):
            return value
        return datetime_value(value)

    return as_date, as_datetime


def _queue_part(kind, supervisor_id, limit, offset):
    sql = _queue_sql_for(kind)
    params = [supervisor_id, PENDING, limit, offset]
    if kind == "pending":  # the count's parameters come first (it is in the select list)
        params = [supervisor_id, PENDING, *params]
        row_type = QueueRowTotal
    else:
        row_type = QueueRow
    as_date, as_datetime = _date_converters()
    rows = []
    for r in db.execute_sql(sql, params).fetchall():
        r = list(r)
        r[3], r[4], r[13] = as_date(r[3]), as_datetime(r[4]), as_datetime(r[13])
        rows.append(row_type._make(r))
    return rows


def _default_queue(supervisor_id, offset, per_page):
    """review_queue without filters, on prepared SQL (the page supervisors open most)."""
    rows = _queue_part("pending", supervisor_id, per_page + 1, offset)
    if rows:
        pending_count = rows[0].total
    else:
        pending_count = _reports_base(supervisor_id).where(Submission.status == PENDING).count()
    if len(rows) < per_page + 1:
        rows += _queue_part(
            "decided", supervisor_id, per_page + 1 - len(rows), max(0, offset - pending_count)
        )
    return rows[:per_page], pending_count, len(rows) > per_page


def reports_list(supervisor_id):
    """[(id, name)] of a supervisor's direct reports, by name (the queue's employee filter)."""
    key = ("reports", db.param)
    sql = _queue_sql.get(key)
    if sql is None:
        sql = _queue_sql.put(
            key,
            f'SELECT id, name FROM "{User._meta.table_name}" WHERE supervisor_id = {db.param} '
            "ORDER BY name, id LIMIT 1000",
        )
    return db.execute_sql(sql, [supervisor_id]).fetchall()


def my_submissions(employee, status="", page=1, per_page=20):
    status = status if status in STATUSES else ""

    def build(employee, limit, offset):
        query = Submission.select(*LIST_COLUMNS).where(Submission.employee == employee)
        if status:
            query = query.where(Submission.status == status)
        return (
            query.order_by(Submission.work_date.desc(), Submission.id.desc())
            .offset(offset)
            .limit(limit)
        )

    rows = compiled.fetch(
        f"mine.{status}",
        build,
        ListRow,
        employee=employee.id,
        limit=per_page + 1,
        offset=(page - 1) * per_page,
    )
    return rows[:per_page], len(rows) > per_page


def status_counts(employee):
    """{status: count} of one employee (index-only over (employee, status, work_date))."""

    def build(employee):
        return (
            Submission.select(Submission.status, fn.COUNT(Submission.id).alias("n"))
            .where(Submission.employee == employee)
            .group_by(Submission.status)
        )

    return dict(compiled.fetch("mine.counts", build, StatusCount, employee=employee.id))


def history(submission):
    """[(version, SubmissionVersion|None for current, files, reviews)] newest first."""
    files = {}
    for f in (
        SubmissionFile.select()
        .where(SubmissionFile.submission == submission.id)
        .order_by(SubmissionFile.id)
    ):
        files.setdefault(f.version, []).append(f)
    reviews = {}
    for r in (
        Review.select(Review, User.name)
        .join(User, JOIN.LEFT_OUTER, on=(Review.reviewer == User.id))
        .where(Review.submission == submission.id)
        .order_by(Review.decided_at)
    ):
        reviews.setdefault(r.version, []).append(r)
    versions = {
        v.version: v
        for v in SubmissionVersion.select().where(SubmissionVersion.submission == submission.id)
    }
    result = [
        (
            submission.version,
            None,
            files.get(submission.version, []),
            reviews.get(submission.version, []),
        )
    ]
    for number in sorted(versions, reverse=True):
        result.append((number, versions[number], files.get(number, []), reviews.get(number, [])))
    return result


def submission_with_employee(submission_id):
    """One deliverable with its employee (``.employee`` loaded in the same query), or None."""
    return (
        Submission.select(Submission, User)
        .join(User, on=(Submission.employee == User.id))
        .where(Submission.id == submission_id)
        .first()
    )


def current_files(submission):
    """The files of a deliverable's current version."""
    return list(
        SubmissionFile.select().where(
            (SubmissionFile.submission == submission.id)
            & (SubmissionFile.version == submission.version)
        )
    )


def stored_file(file_id):
    """One stored file, or None."""
    return SubmissionFile.get_or_none(SubmissionFile.id == file_id)
