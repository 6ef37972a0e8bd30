"""Units, users and their roles (the staff directory)."""

from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    DoubleField,
    ForeignKeyField,
    TextField,
)

from ..models import BaseModel, utcnow
from .roles import ROLE_LABELS, ROLES  # defined in roles.py; callers may still read them here


def format_nip(n):
    """'198609262015051001' -> '19860926 201505 1 001' (birth date, appointment, gender, seq)."""
    if n and len(n) == 18:
        return f"{n[:8]} {n[8:14]} {n[14]} {n[15:]}"
    return n


class Unit(BaseModel):
    code = CharField(max_length=20, unique=True)
    name = CharField(max_length=200)
    created_at = DateTimeField(default=utcnow)


class User(BaseModel):
    nip = CharField(max_length=18, unique=True)
    name = CharField(max_length=200)
    email = CharField(max_length=254, unique=True)
    unit = ForeignKeyField(Unit, null=True, backref="members", on_delete="SET NULL")
    supervisor = ForeignKeyField("self", null=True, backref="reports", on_delete="SET NULL")
    position = CharField(max_length=200, default="")
    password_hash = CharField(max_length=255)
    is_active = BooleanField(default=True, index=True)
    language = CharField(max_length=5, default="id")
    wfh_address = TextField(default="")
    wfh_lat = DoubleField(null=True)
    wfh_lon = DoubleField(null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    password_changed_at = DateTimeField(default=utcnow)

    # Flask-Login protocol. The id is the server-side session key (see auth.sessions), so this is
    # only used for display; is_active drives Flask-Login's refusal of deactivated accounts.
    is_authenticated = True
    is_anonymous = False

    def get_id(self):
        return str(self.id)

    @property
    def role_names(self):
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            cached = frozenset(
                r.role for r in UserRole.select(UserRole.role).where(UserRole.user == self.id)
            )
            self._role_cache = cached
        return cached

    def has_role(self, *roles):
        return bool(self.role_names.intersection(roles))

    @property
    def role_labels(self):
        """The names of this user's roles, in the order of ROLES."""
        return [str(ROLE_LABELS[r]) for r in ROLES if r in self.role_names]

    @property
    def has_direct_reports(self):
        """Somebody names this user as their direct supervisor (whatever this user's roles): they
        review those reports' work. Loaded with the session (auth.sessions), else asked once."""
        cached = getattr(self, "_reports_cache", None)
        if cached is None:
            cached = User.select(User.id).where(User.supervisor == self.id).exists()
            self._reports_cache = cached
        return cached

    @property
    def display_nip(self):
        return format_nip(self.nip)


class UserRole(BaseModel):
    user = ForeignKeyField(User, backref="roles", on_delete="CASCADE")
    role = CharField(max_length=30)

    class Meta:
        indexes = ((("user", "role"), True),)
