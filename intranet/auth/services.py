"""Sign-in, sign-out and password changes."""

from flask_babel import gettext as _
from peewee import fn

from ..audit.services import record
from ..core.refusals import Refusal
from ..extensions import transaction
from ..people.models import User
from ..people.nip import normalize_nip
from . import sessions, throttle
from .credentials import set_password
from .passwords import burn_time, verify_password


class SignInError(Refusal):
    """Sign-in (or the current password) refused, with a message for the person at the keyboard."""


def find_user(login):
    login = (login or "").strip()
    if "@" in login:
        return User.get_or_none(fn.LOWER(User.email) == login.lower())
    nip = normalize_nip(login)
    return User.get_or_none(User.nip == nip) if nip else None


def sign_in(login, password, ip):
    """Return the user, or raise SignInError with a message for the person at the keyboard."""
    key = (login or "").strip().lower()
    wait = throttle.retry_after(key, ip or "")
    if wait:
        minutes = max(1, (wait + 59) // 60)
        raise SignInError(
            _(
                "Too many failed sign-in attempts. Try again in %(minutes)d minute(s).",
                minutes=minutes,
            )
        )
    user = find_user(login)
    if user is None:
        burn_time(password)
        ok = False
    else:
        ok = verify_password(user.password_hash, password)
    if not ok or not user.is_active:
        throttle.record_failure(key, ip or "")
        record(
            "auth.sign_in_failed",
            object_type="User",
            object_id=user.id if user else "",
            detail={"login": key[:100]},
        )
        raise SignInError(_("The NIP/e-mail or password is wrong, or the account is inactive."))
    throttle.clear(key)
    with transaction():
        sessions.start_session(user)
        record("auth.sign_in", user, actor=user)
    return user


def sign_out(user):
    with transaction():
        sessions.end_all_sessions(user.id)
        record("auth.sign_out", user, actor=user)
    sessions.end_current_session()


def change_password(user, current, new):
    if not verify_password(user.password_hash, current):
        raise SignInError(_("The current password is wrong."))
    set_password(user, new, actor=user, action="auth.password_changed")
    sessions.end_current_session()
