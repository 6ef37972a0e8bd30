"""Registered WFH coordinates in double precision.

On PostgreSQL they were ``real`` (single precision, about 7 significant digits: a metre or so at
Jakarta's longitude), while Si Cempaka compares them with submissions stored as double. SQLite
stores both as the same 8-byte REAL, so nothing changes there.
"""

from peewee import PostgresqlDatabase


def _set_type(db, type_name):
    if isinstance(db, PostgresqlDatabase):
        for column in ("wfh_lat", "wfh_lon"):
            db.execute_sql(f'ALTER TABLE "user" ALTER COLUMN {column} TYPE {type_name}')


def up(migrator, db):
    _set_type(db, "double precision")


def down(migrator, db):
    _set_type(db, "real")
