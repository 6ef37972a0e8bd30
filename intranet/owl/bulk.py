"""Multi-row INSERTs without the ORM's per-value query building.

Peewee builds an INSERT of 500 rows value by value in Python (tens of microseconds each); the
daily scan writes thousands of rows, so it hands the driver one parameterised statement per chunk
instead. Values must already be in database form (str, int, date, datetime, None); both sqlite3
and psycopg2 bind dates and datetimes the way peewee stores them.
"""

from ..extensions import db


def _quote(name):
    return '"' + name.replace('"', '""') + '"'


def _columns(model, names):
    fields = model._meta.fields
    return [fields[name].column_name for name in names]


def insert_rows(model, names, rows, *, ignore_conflicts=True, returning_id=False, chunk=500):
    """Insert ``rows`` (tuples in the order of ``names``); fields left out take their model
    default. Returns the new ids when
    ``returning_id`` (rows skipped by ON CONFLICT DO NOTHING return none), else the row count."""
    if not rows:
        return [] if returning_id else 0
    # Defaults live in the models (not the schema): fill in every other field that has one.
    extra_names, extra_values = [], []
    for field in model._meta.sorted_fields:
        if field.name in names or field is model._meta.primary_key or field.default is None:
            continue
        default = field.default() if callable(field.default) else field.default
        extra_names.append(field.name)
        extra_values.append(field.db_value(default))
    if extra_names:
        names = [*names, *extra_names]
        extra = tuple(extra_values)
        rows = [(*row, *extra) for row in rows]
    table = _quote(model._meta.table_name)
    cols = ", ".join(_quote(c) for c in _columns(model, names))
    tail = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    if returning_id:
        tail += " RETURNING " + _quote(model._meta.primary_key.column_name)
    one = "(" + ", ".join([db.param] * len(names)) + ")"
    ids, count = [], 0
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        sql = f"INSERT INTO {table} ({cols}) VALUES " + ", ".join([one] * len(part)) + tail
        params = [value for row in part for value in row]
        cursor = db.execute_sql(sql, params)
        if returning_id:
            ids.extend(r[0] for r in cursor.fetchall())
        else:
            count += cursor.rowcount
    return ids if returning_id else count
