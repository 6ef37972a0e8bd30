"""The user admin's changes that touch how an account signs in: a new user's first password,
an admin setting a new one, and deactivation (which signs the account out everywhere).

The staff record is people's (``intranet.people.services``); these wrap it with auth's part, in
one transaction, so people needs nothing of auth.
"""

from ..extensions import transaction
from ..people import services as people
from .credentials import set_password
from .passwords import hash_password
from .sessions import end_all_sessions


def create_user(*, password, actor=None, **fields):
    """A new user (``people.services.create_user``'s ``fields``) whose password is ``password``."""
    return people.create_user(password_hash=hash_password(password), actor=actor, **fields)


def update_user(user, *, password=None, actor=None, **changes):
    """``people.services.update_user``; with ``password``, also the admin's new password for the
    account (sessions ended), named among the changed fields of the one "user.updated" entry.
    Setting ``is_active=False`` ends the account's sessions too."""
    with transaction():
        if password:
            set_password(user, password, actor=actor)
        people.update_user(
            user, actor=actor, also_changed=("password",) if password else (), **changes
        )
        if not password and changes.get("is_active") is False:
            end_all_sessions(user.id)
    return user


def deactivate_user(user, *, actor=None):
    """Deactivate the account and end every session of it at once."""
    with transaction():
        ended = end_all_sessions(user.id)
        return people.deactivate_user(user, sessions_ended=ended, actor=actor)
