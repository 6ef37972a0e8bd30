"""Password reset by e-mail: the first real flow through the outbox.

* Asking for a link answers the same whether or not the address belongs to an account, and takes
  about as long (the e-mail is sent later by a worker).
* The link carries a random token; only its SHA-256 is stored. It expires (60 minutes by default)
  and works once: using it, or a newer link, or a password change, ends the others.
* Requests for one account are rate limited by the outbox key: one e-mail per account per
  window (10 minutes), however often the form is sent.
* A successful reset ends every session of the account and is audited.
"""

import datetime as dt
import hashlib
import secrets

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from peewee import fn

from ..audit.services import record
from ..auth.passwords import hash_password
from ..auth.sessions import end_all_sessions
from ..extensions import transaction
from ..models import utcnow
from ..people.models import User
from .models import OutboxMessage, PasswordResetToken
from .services import is_valid_address, queue_email

TOKEN_MINUTES = 60
WINDOW_MINUTES = 10
TEMPLATE = "notify/email/password_reset"


class ResetError(Exception):
    pass


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _link_base():
    """Links in e-mails use the configured public address (SERVER_NAME_FOR_LINKS), never the
    request's Host header, which a client can forge."""
    base = current_app.config.get("SERVER_NAME_FOR_LINKS")
    return base.rstrip("/") if base else None


def reset_url(token):
    base = _link_base()
    path = url_for("notify.reset_password", token=token)
    if base:
        return base + path
    return url_for("notify.reset_password", token=token, _external=True)


def request_reset(address, ip="", now=None):
    """Queue a reset e-mail when ``address`` belongs to an active account. Returns nothing the
    caller could tell the two cases apart by."""
    now = now or utcnow()
    address = (address or "").strip()
    if not is_valid_address(address):
        return
    user = User.get_or_none(fn.LOWER(User.email) == address.lower())
    if user is None or not user.is_active:
        return
    window = int(now.replace(tzinfo=dt.UTC).timestamp()) // (WINDOW_MINUTES * 60)
    key = f"auth.password_reset:{user.id}:{window}"
    with transaction():
        if OutboxMessage.select().where(OutboxMessage.key == key).exists():
            return  # one e-mail per account per window
        token = secrets.token_urlsafe(32)
        PasswordResetToken.create(
            user=user,
            token_hash=_digest(token),
            created_at=now,
            expires_at=now + dt.timedelta(minutes=TOKEN_MINUTES),
            ip=(ip or "")[:64],
        )
        queue_email(
            key,
            user.email,
            TEMPLATE,
            {
                "name": user.name,
                "secret_reset_url": reset_url(token),
                "minutes": TOKEN_MINUTES,
            },
            language=user.language,
            kind="auth.password_reset",
            object_type="User",
            object_id=user.id,
        )
        record("auth.password_reset_requested", user, actor=user)


def valid_token(token, now=None):
    """The token row when the link may still be used, else None."""
    now = now or utcnow()
    if not token or len(token) > 200:
        return None
    row = (
        PasswordResetToken.select(PasswordResetToken, User)
        .join(User)
        .where(PasswordResetToken.token_hash == _digest(token))
        .first()
    )
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    if not row.user.is_active or row.user.password_changed_at > row.created_at:
        return None
    return row


def reset_password(token, new_password, now=None):
    """Set the new password if the link is still good (once: a second use fails)."""
    now = now or utcnow()
    with transaction():
        row = valid_token(token, now)
        if row is None:
            raise ResetError(_l("This link is invalid, was already used or has expired."))
        used = (
            PasswordResetToken.update(used_at=now)
            .where((PasswordResetToken.id == row.id) & PasswordResetToken.used_at.is_null())
            .execute()
        )
        if not used:
            raise ResetError(_l("This link is invalid, was already used or has expired."))
        # Every other open link of the account ends too.
        PasswordResetToken.update(used_at=now).where(
            (PasswordResetToken.user == row.user_id) & PasswordResetToken.used_at.is_null()
        ).execute()
        User.update(
            password_hash=hash_password(new_password), password_changed_at=now, updated_at=now
        ).where(User.id == row.user_id).execute()
        end_all_sessions(row.user_id)
        record("auth.password_reset", row.user, actor=row.user)
    return row.user
