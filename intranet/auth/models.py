"""Sign-in sessions (one row per signed-in browser: auth.sessions starts, loads and ends them)
and password-reset links (auth.password_reset)."""

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


class PasswordResetToken(BaseModel):
    """A single-use password-reset link. Only the SHA-256 of the token is stored."""

    user = ForeignKeyField(User, backref="reset_tokens", on_delete="CASCADE")
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)
    ip = CharField(max_length=64, default="")

    class Meta:
        table_name = "password_reset_token"  # as made by migration 0002 (notify.models then)
