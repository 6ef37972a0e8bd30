"""Shared extension objects. Bound to an app in ``create_app``."""

import redis
from flask import current_app
from flask_babel import Babel
from flask_login import LoginManager
from flask_mail import Mail
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx
from peewee import DatabaseProxy, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import connect as db_url_connect

db = DatabaseProxy()
login_manager = LoginManager()
mail = Mail()
htmx = Htmx()
csrf = CSRFProtect()
babel = Babel()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10000,
    "synchronous": "normal",
    "cache_size": -32000,
}


def make_database(url):
    """Build the peewee database for a URL: SQLite (WAL) or PostgreSQL (pooled)."""
    if url.startswith("sqlite:"):
        # Pooled even for SQLite: a connection (and its pragmas) is set up once per thread,
        # not on every request.
        url = "sqlite+pool:" + url[len("sqlite:") :]
        database = db_url_connect(
            url,
            pragmas=SQLITE_PRAGMAS,
            max_connections=16,
            stale_timeout=600,
            check_same_thread=False,
        )
    else:
        if url.startswith("postgresql://"):
            url = "postgres+pool://" + url[len("postgresql://") :]
        elif url.startswith("postgres://"):
            url = "postgres+pool://" + url[len("postgres://") :]
        database = db_url_connect(url, max_connections=32, stale_timeout=300)
    return database


def init_database(url):
    old = db.obj
    if old is not None and hasattr(old, "close_all"):
        old.close_all()
    database = make_database(url)
    db.initialize(database)
    return database


def is_sqlite():
    return isinstance(db.obj, SqliteDatabase)


def is_postgres():
    return isinstance(db.obj, PostgresqlDatabase)


def transaction():
    """A write transaction. On SQLite it takes the write lock up front (BEGIN IMMEDIATE), so a
    transaction that reads before it writes never fails on a stale snapshot."""
    if is_sqlite() and not db.in_transaction():
        return db.atomic("IMMEDIATE")
    return db.atomic()


def get_redis():
    """The app's Redis client (one pool per process)."""
    app = current_app._get_current_object()
    client = app.extensions.get("redis_client")
    if client is None:
        client = redis.Redis.from_url(
            app.config["REDIS_URL"], socket_timeout=5, socket_connect_timeout=2
        )
        app.extensions["redis_client"] = client
    return client


def get_queue(name=None):
    from rq import Queue
    from rq.serializers import JSONSerializer

    return Queue(
        name or current_app.config["RQ_QUEUE"],
        connection=get_redis(),
        serializer=JSONSerializer,
    )
