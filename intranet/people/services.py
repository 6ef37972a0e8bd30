"""Creating, changing and deactivating users; every change is audited."""

from ..audit.services import record
from ..auth.passwords import hash_password
from ..auth.sessions import end_all_sessions
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
    password,
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
            password_hash=hash_password(password),
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


def update_user(user, *, actor=None, roles=None, password=None, **fields):
    with transaction():
        changed = sorted(k for k, v in fields.items() if _current(user, k) != _plain(v))
        for key, value in fields.items():
            setattr(user, key, value)
        user.updated_at = utcnow()
        if password:
            user.password_hash = hash_password(password)
            user.password_changed_at = utcnow()
            changed.append("password")
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
        if password or fields.get("is_active") is False:
            end_all_sessions(user.id)
        record("user.updated", user, actor=actor, detail=detail)
    return user


def deactivate_user(user, *, actor=None):
    with transaction():
        User.update(is_active=False, updated_at=utcnow()).where(User.id == user.id).execute()
        ended = end_all_sessions(user.id)
        record("user.deactivated", user, actor=actor, detail={"sessions_ended": ended})
    user.is_active = False
    return user


def reactivate_user(user, *, actor=None):
    with transaction():
        User.update(is_active=True, updated_at=utcnow()).where(User.id == user.id).execute()
        record("user.reactivated", user, actor=actor)
    user.is_active = True
    return user
