"""Server-side sessions: the signed cookie holds a random key; the row decides.

Ending a session deletes its row, so a cookie copied before sign-out is refused afterwards.
"""

import datetime as dt
import hashlib
import secrets

from flask import current_app, request, session

from ..models import utcnow
from ..people.models import User, UserSession

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
    session.permanent = True
    return raw


def load_user_from_session():
    """Return the active user for this request's session, or None (and forget the session)."""
    raw = session.get(SESSION_KEY)
    if not raw:
        return None
    row = (
        UserSession.select(UserSession, User)
        .join(User)
        .where(UserSession.key == _digest(raw))
        .first()
    )
    if row is None:
        session.pop(SESSION_KEY, None)
        return None
    now = utcnow()
    idle = dt.timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    max_age = dt.timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    user = row.user
    if not user.is_active or now - row.last_seen_at > idle or now - row.created_at > max_age:
        row.delete_instance()
        session.pop(SESSION_KEY, None)
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        UserSession.update(last_seen_at=now).where(UserSession.id == row.id).execute()
    return user


def end_all_sessions(user_id):
    """Sign-out, password change and deactivation end every session of the user at once."""
    return UserSession.delete().where(UserSession.user == user_id).execute()


def end_current_session():
    session.clear()
