"""Sign-in sessions: one row per signed-in browser (auth.sessions starts, loads and ends them)."""

from peewee import CharField, DateTimeField, ForeignKeyField

from ..models import BaseModel, utcnow
from ..people.models import User


class UserSession(BaseModel):
    """One row per signed-in browser. The cookie holds only ``key``; deleting the row ends the
    session at once, wherever the cookie was copied to."""

    key = CharField(max_length=64, unique=True)
    user = ForeignKeyField(User, backref="sessions", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)
    last_seen_at = DateTimeField(default=utcnow)
    ip = CharField(max_length=64, default="")
    user_agent = CharField(max_length=300, default="")

    class Meta:
        table_name = "user_session"  # as made by migration 0001 (from people.models then)
