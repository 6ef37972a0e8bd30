"""Server-side sessions: the signed cookie holds a random key; the row decides.

Ending a session deletes its row, so a cookie copied before sign-out is refused afterwards.
"""

import datetime as dt
import hashlib
import secrets

from flask import current_app, g, request, session

from ..core import caches
from ..extensions import db
from ..models import utcnow
from ..people.models import User
from .models import UserSession

SESSION_KEY = "sid"
TOUCH_EVERY = dt.timedelta(seconds=60)


def _digest(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


def start_session(user):
    raw = secrets.token_urlsafe(32)
    UserSession.create(
        key=_digest(raw),
        user=user,
        ip=(request.remote_addr or "")[:64],
        user_agent=(request.user_agent.string or "")[:300],
    )
    session.clear()
    session[SESSION_KEY] = raw
    # A fresh CSRF secret with the new session (the old one went with session.clear()), set now
    # so the cookie given at sign-in already holds it and no later page has to change the cookie.
    csrf_field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session[csrf_field] = secrets.token_hex(20)
    g.pop(csrf_field, None)
    session.permanent = True
    return raw


_LOAD_SQL = caches.Cache("auth.session_sql", maxsize=4)  # by database dialect


def _load_sql():
    """The one query behind every signed-in request: the session row, its user, the user's
    roles and whether anybody reports to them (policy.HAS_REPORTS). Built with peewee once per
    database dialect and reused as plain SQL (compiling the query on every request cost more
    than running it)."""
    from peewee import SQL, fn

    from ..extensions import is_sqlite
    from ..people.models import UserRole

    dialect = "sqlite" if is_sqlite() else "postgres"
    sql = _LOAD_SQL.get(dialect)
    if sql is None:
        agg = (
            fn.group_concat(UserRole.role, SQL("','"))
            if dialect == "sqlite"
            else fn.string_agg(UserRole.role, SQL("','"))
        )
        roles = UserRole.select(agg).where(UserRole.user == User.id)
        Report = User.alias("report")
        has_reports = fn.EXISTS(Report.select(Report.id).where(Report.supervisor == User.id))
        query = (
            User.select(
                User,
                UserSession.id.alias("s_id"),
                UserSession.created_at.alias("s_created_at"),
                UserSession.last_seen_at.alias("s_last_seen_at"),
                roles.alias("s_roles"),
                has_reports.alias("s_has_reports"),
            )
            .join(UserSession, on=(UserSession.user == User.id))
            .where(UserSession.key == "?")
        )
        sql, _params = query.sql()
        _LOAD_SQL.put(dialect, sql)
    return sql


def load_user_from_session():
    """Return the active user for this request's session, or None (and forget the session)."""
    raw = session.get(SESSION_KEY)
    if not raw:
        return None
    row = db.execute_sql(_load_sql(), (_digest(raw),)).fetchone()
    if row is None:
        session.pop(SESSION_KEY, None)
        return None
    fields = User._meta.sorted_fields
    user = User(__no_default__=True)
    values = row[: len(fields)]
    session_id, created_at, last_seen_at, role_list, has_reports = row[len(fields) :]
    user.__data__.update({f.name: f.python_value(v) for f, v in zip(fields, values, strict=True)})
    created_at = UserSession.created_at.python_value(created_at)
    last_seen_at = UserSession.last_seen_at.python_value(last_seen_at)
    now = utcnow()
    config = current_app.config
    idle = dt.timedelta(minutes=config["SESSION_IDLE_MINUTES"])
    max_age = dt.timedelta(hours=config["SESSION_MAX_HOURS"])
    if not user.is_active or now - last_seen_at > idle or now - created_at > max_age:
        UserSession.delete().where(UserSession.id == session_id).execute()
        session.pop(SESSION_KEY, None)
        return None
    if now - last_seen_at > TOUCH_EVERY:
        UserSession.update(last_seen_at=now).where(UserSession.id == session_id).execute()
    user._role_cache = frozenset(role_list.split(",")) if role_list else frozenset()
    user._reports_cache = bool(has_reports)
    return user


def end_all_sessions(user_id):
    """Sign-out, password change and deactivation end every session of the user at once."""
    return UserSession.delete().where(UserSession.user == user_id).execute()


def end_current_session():
    session.clear()
