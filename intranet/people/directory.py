"""The staff directory: who holds a role. One query, used by every feature that has to tell
"the heads", "the counter officers" or "the intelligence officers" something."""

from .models import User, UserRole


def users_with_role(*roles, active=True, unit=None, exclude=None):
    """A query of the users holding any of ``roles`` (each once), active ones only unless
    ``active`` is None; within ``unit`` (an id) and without ``exclude`` (a user id) when given.
    Narrow it further (``.where``, ``.order_by``) or use it as a subquery:
    ``users_with_role("kepala").select(User.id)``."""
    holders = UserRole.select(UserRole.user).where(UserRole.role.in_(roles))
    query = User.select().where(User.id.in_(holders))
    if active is not None:
        query = query.where(User.is_active == bool(active))
    if unit is not None:
        query = query.where(User.unit == unit)
    if exclude is not None:
        query = query.where(User.id != exclude)
    return query.order_by(User.id)
