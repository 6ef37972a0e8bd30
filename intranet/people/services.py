"""Creating, changing and deactivating users; every change is audited.

The staff record only: passwords and sessions are auth's. ``intranet.auth.accounts`` wraps these
for the user admin (a new user's first password, an admin's reset, the sessions a deactivation
ends) and hands in what they need: the password's hash, how many sessions it ended.
"""

from ..audit.services import record
from ..extensions import transaction
from ..models import utcnow
from .models import ROLES, User, UserRole


def _set_roles(user, roles):
    roles = sorted(set(roles) & set(ROLES))
    UserRole.delete().where(UserRole.user == user.id).execute()
    if roles:
        UserRole.insert_many([{"user": user.id, "role": r} for r in roles]).execute()
    user._role_cache = None
    return roles


def _current(user, key):
    return getattr(user, key + "_id") if key in ("unit", "supervisor") else getattr(user, key)


def _plain(value):
    return value.id if hasattr(value, "id") else value


def create_user(
    *,
    nip,
    name,
    email,
    password_hash,
    roles=("pegawai",),
    unit=None,
    supervisor=None,
    position="",
    language="id",
    wfh_address="",
    wfh_lat=None,
    wfh_lon=None,
    actor=None,
):
    with transaction():
        user = User.create(
            nip=nip,
            name=name,
            email=email,
            password_hash=password_hash,
            unit=unit,
            supervisor=supervisor,
            position=position,
            language=language,
            wfh_address=wfh_address,
            wfh_lat=wfh_lat,
            wfh_lon=wfh_lon,
        )
        granted = _set_roles(user, roles)
        record("user.created", user, actor=actor, detail={"nip": nip, "roles": granted})
    return user


def update_user(user, *, actor=None, roles=None, also_changed=(), **fields):
    """Change the record's ``fields`` and ``roles``; audited as "user.updated" naming the fields
    that changed, with ``also_changed`` (what the caller changed in the same transaction: auth's
    "password"). Ending sessions is the caller's (``intranet.auth.accounts``)."""
    with transaction():
        changed = sorted(k for k, v in fields.items() if _current(user, k) != _plain(v))
        for key, value in fields.items():
            setattr(user, key, value)
        user.updated_at = utcnow()
        changed.extend(also_changed)
        user.save()
        detail = {"fields": changed}
        if roles is not None:
            before = sorted(user.role_names)
            after = _set_roles(user, roles)
            if before != after:
                detail["roles"] = {"before": before, "after": after}
                record(
                    "user.roles_changed",
                    user,
                    actor=actor,
                    detail={"before": before, "after": after},
                )
        record("user.updated", user, actor=actor, detail=detail)
    return user


def deactivate_user(user, *, sessions_ended, actor=None):
    """Mark the account inactive, in the caller's transaction, which ends its sessions and says
    how many (``intranet.auth.accounts.deactivate_user``)."""
    with transaction():
        User.update(is_active=False, updated_at=utcnow()).where(User.id == user.id).execute()
        record("user.deactivated", user, actor=actor, detail={"sessions_ended": sessions_ended})
    user.is_active = False
    return user


def reactivate_user(user, *, actor=None):
    with transaction():
        User.update(is_active=True, updated_at=utcnow()).where(User.id == user.id).execute()
        record("user.reactivated", user, actor=actor)
    user.is_active = True
    return user
