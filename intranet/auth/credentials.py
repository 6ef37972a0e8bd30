"""Setting a password: the one place a password is stored.

Whoever sets it - the user changing their own, a reset link, an admin in the user admin - the
same happens, in the caller's transaction: the new password is stored hashed (argon2id), the
change is stamped (``password_changed_at``: reset links asked for before it stop working), every
session of the account ends (a stolen cookie or a forgotten browser is out), and the change is
audited.
"""

from ..audit.services import record
from ..extensions import transaction
from ..models import utcnow
from ..people.models import User
from .passwords import hash_password
from .sessions import end_all_sessions


def set_password(user, new_password, *, actor, action=None, now=None):
    """Give ``user`` the password ``new_password``; returns how many sessions it ended.

    ``action`` is the audit entry it makes ("auth.password_changed", "auth.password_reset"), by
    ``actor``; None when the caller's own entry names the change (the user admin's
    "user.updated" lists "password" among the fields)."""
    now = now or utcnow()
    password_hash = hash_password(new_password)
    with transaction():
        User.update(password_hash=password_hash, password_changed_at=now, updated_at=now).where(
            User.id == user.id
        ).execute()
        user.password_hash, user.password_changed_at, user.updated_at = password_hash, now, now
        ended = end_all_sessions(user.id)
        if action is not None:
            record(action, user, actor=actor)
    return ended
