"""Password hashing (argon2id) and the password rules staff see."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l

_hasher = PasswordHasher()
# A hash to compare against when the account does not exist, so timing reveals nothing.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

MIN_LENGTH = 10


def hash_password(password):
    return _hasher.hash(password)


def verify_password(password_hash, password):
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False


def burn_time(password):
    verify_password(_DUMMY_HASH, password)


def password_problem(password):
    """None when acceptable, else a message for the user."""
    if len(password or "") < MIN_LENGTH:
        return _l("The password must be at least %(n)d characters long.", n=MIN_LENGTH)
    if password.isdigit() or password.isalpha():
        return _l("The password must mix letters with digits or symbols.")
    return None
