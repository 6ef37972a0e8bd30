"""The reads behind Si Jali's lists: the visitor log (/jali/visits), the desk's people inside,
and the host search.

The log is the page reception keeps open all day, fifty rows a page. Peewee spends longer writing
its queries than the database spends running them, so the day's counts and the page's rows are
plain SQL, written once per shape and database, on the (visit_date, category) and unique
(visit_date, number) indexes: a page costs the same on the first day as after a million visits,
and nothing is counted beyond one day. Its rows are turned into HTML by ``presenters``.

A free-text search keeps a peewee query (LIKE escaping differs per database).
"""

import re

from peewee import JOIN, fn

from ..core import caches
from ..extensions import db
from ..people.models import Unit, User
from .models import CATEGORIES, Visit, Visitor

# ----- the visitor log -------------------------------------------------------------------------

ROW_COLUMNS = (
    "v.id, v.number, v.category, v.name, v.institution, v.purpose, v.checked_in_at, "
    "v.checked_out_at, v.checkout_method, v.permit_state, u.name, un.name"
)
_SQL = caches.Cache("jali.log_sql", maxsize=64)  # by shape and database


def _tables():
    return {
        "visit": Visit._meta.table_name,
        "user": User._meta.table_name,
        "unit": Unit._meta.table_name,
        "p": db.param,
    }


def _where(category, status):
    """The WHERE clause of a day's log with the category and status filters."""
    p = db.param
    where = [f"v.visit_date = {p}"]
    if category:
        where.append(f"v.category = {p}")
    if status == "inside":
        where.append("v.checked_out_at IS NULL")
    elif status == "out":
        where.append("v.checked_out_at IS NOT NULL")
    return " AND ".join(where)


def day_counts(day):
    """{category: visits} of one day (index-only over (visit_date, category))."""
    sql = _SQL.get_or_make(
        ("counts", db.param),
        lambda: (
            'SELECT v.category, COUNT(*) FROM "{visit}" AS v WHERE v.visit_date = {p} '
            "GROUP BY v.category"
        ).format(**_tables()),
    )
    return dict(db.execute_sql(sql, [day.isoformat()]).fetchall())


def count(day, category, status):
    """Visits of a day with the category and status filters."""
    sql = _SQL.get_or_make(
        ("count", bool(category), status, db.param),
        lambda: (
            'SELECT COUNT(*) FROM "{visit}" AS v WHERE '.format(**_tables())
            + _where(category, status)
        ),
    )
    params = [day.isoformat()] + ([category] if category else [])
    return db.execute_sql(sql, params).fetchone()[0]


def _page_sql(category, status):
    t = _tables()
    return (
        f'SELECT {ROW_COLUMNS} FROM "{t["visit"]}" AS v '
        f'LEFT JOIN "{t["user"]}" AS u ON u.id = v.host_id '
        f'LEFT JOIN "{t["unit"]}" AS un ON un.id = v.host_unit_id '
        f"WHERE {_where(category, status)} "
        f"ORDER BY v.number DESC LIMIT {t['p']} OFFSET {t['p']}"
    )


def page_rows(day, category, status, limit, offset):
    """The page's rows (ROW_COLUMNS tuples), newest number first."""
    sql = _SQL.get_or_make(
        ("rows", bool(category), status, db.param), lambda: _page_sql(category, status)
    )
    params = [day.isoformat()] + ([category] if category else []) + [limit, offset]
    return db.execute_sql(sql, params).fetchall()


def search(day, category, status, q):
    """(query of the log's columns, total) for a free-text search of one day."""
    base = Visit.select().where(Visit.visit_date == day)
    if category:
        base = base.where(Visit.category == category)
    if status == "inside":
        base = base.where(Visit.checked_out_at.is_null())
    elif status == "out":
        base = base.where(Visit.checked_out_at.is_null(False))
    number = re.sub(r"[\s.\-/]", "", q).upper()
    cond = fn.LOWER(Visit.name).contains(q.lower())
    if number.isdigit() and len(number) <= 4:
        cond |= Visit.number == int(number)
    if len(number) >= 4 and number.isalnum():
        cond |= Visit.visitor.in_(Visitor.select(Visitor.id).where(Visitor.id_number == number))
    base = base.where(cond)
    query = (
        base.select(
            Visit.id,
            Visit.number,
            Visit.category,
            Visit.name,
            Visit.institution,
            Visit.purpose,
            Visit.checked_in_at,
            Visit.checked_out_at,
            Visit.checkout_method,
            Visit.permit_state,
            User.name,
            Unit.name,
        )
        .join(User, JOIN.LEFT_OUTER, on=(Visit.host == User.id))
        .switch(Visit)
        .join(Unit, JOIN.LEFT_OUTER, on=(Visit.host_unit == Unit.id))
        .order_by(Visit.number.desc())
    )
    return query, base.count()


def search_rows(query, limit, offset):
    """One page of a ``search`` query, as ROW_COLUMNS tuples."""
    return db.execute(query.offset(offset).limit(limit)).fetchall()


# ----- the desk --------------------------------------------------------------------------------


def with_host_names(query):
    """Adds host_name and unit_name to each visit (one query, no per-row look-ups)."""
    return (
        query.select_extend(User.name.alias("host_name"), Unit.name.alias("unit_name"))
        .join(User, JOIN.LEFT_OUTER, on=(Visit.host == User.id))
        .switch(Visit)
        .join(Unit, JOIN.LEFT_OUTER, on=(Visit.host_unit == Unit.id))
    )


def inside():
    """Everyone registered as inside, first arrival first, with their host's names."""
    return list(
        with_host_names(Visit.select(Visit).where(Visit.checked_out_at.is_null()))
        .order_by(Visit.checked_in_at)
        .objects()
    )


def registered_counts(day):
    """{category: visits registered on ``day``}, every category present."""
    registered = dict(
        Visit.select(Visit.category, fn.COUNT(Visit.id))
        .where(Visit.visit_date == day)
        .group_by(Visit.category)
        .tuples()
    )
    return {c: registered.get(c, 0) for c in CATEGORIES}


def find_hosts(q, limit=8):
    """Active employees whose name, NIP or unit matches ``q`` (the host search)."""
    needle = q.lower()
    return list(
        User.select(User, Unit)
        .join(Unit, JOIN.LEFT_OUTER)
        .where(
            User.is_active == True,  # noqa: E712
            (fn.LOWER(User.name).contains(needle))
            | User.nip.startswith(q.replace(" ", ""))
            | (fn.LOWER(Unit.name).contains(needle)),
        )
        .order_by(User.name)
        .limit(limit)
    )
