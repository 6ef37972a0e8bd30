"""Password reset by e-mail: the first real flow through the outbox.

* Asking for a link answers the same whether or not the address belongs to an account, and takes
  about as long (the e-mail is sent later by a worker).
* The link carries a random token; only its SHA-256 is stored. It expires (60 minutes by default)
  and works once: using it, or a newer link, or a password change, ends the others.
* Requests for one account are rate limited by the outbox key: one e-mail per account per
  window (10 minutes), however often the form is sent.
* A successful reset ends every session of the account and is audited (``set_password``).

Auth's flow on notify's outbox: the e-mail goes through ``queue_email``, its template is
``notify/email/password_reset``, the tokens are ``auth.models.PasswordResetToken`` rows.
"""

import datetime as dt
import hashlib
import secrets

from flask_babel import lazy_gettext as _l
from peewee import fn

from ..audit.services import record
from ..core.links import external_url
from ..core.refusals import Refusal
from ..extensions import transaction
from ..models import utcnow
from ..notify.models import OutboxMessage
from ..notify.services import is_valid_address, queue_email
from ..people.models import User
from .credentials import set_password
from .models import PasswordResetToken

TOKEN_MINUTES = 60
WINDOW_MINUTES = 10
TEMPLATE = "notify/email/password_reset"


class ResetError(Refusal):
    """The link cannot (or can no longer) set a password."""


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def reset_url(token):
    """The link in the e-mail: on the configured public address (PUBLIC_URL), never the
    request's Host header, which a client can forge."""
    return external_url("auth.reset_password", token=token)


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
        set_password(row.user, new_password, actor=row.user, action="auth.password_reset", now=now)
    return row.user
