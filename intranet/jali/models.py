"""Visitors (one row per identity, for repeat visits) and their visits.

A visit keeps a snapshot of what was true when the visitor arrived: the name as registered, the
purpose, the host, and for a WNA the stay-permit status Si Owl reported, so the log and the
reports never change when a visitor record or a permit does later.
"""

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
)

from ..models import BaseModel, utcnow
from ..people.models import Unit, User

WNI, WNA, OFFICIAL = "wni", "wna", "official"
CATEGORIES = (WNI, WNA, OFFICIAL)

# Identity kinds: NIK (WNI), passport (WNA), any card an official guest shows (optional).
ID_NIK, ID_PASSPORT, ID_OTHER = "nik", "passport", "other"
ID_TYPE_FOR = {WNI: ID_NIK, WNA: ID_PASSPORT, OFFICIAL: ID_OTHER}

# How a visit was closed.
OUT_DESK, OUT_QR, OUT_SWEEP = "desk", "qr", "sweep"

# What Si Owl said about a WNA's stay permit at arrival ("" for WNI and official guests).
PERMIT_VALID = "valid"
PERMIT_EXPIRED = "expired"
PERMIT_NOT_FOUND = "not_found"
PERMIT_UNAVAILABLE = "unavailable"  # Si Owl not installed or the look-up failed


class Visitor(BaseModel):
    id_type = CharField(max_length=10)
    # Normalised (digits for NIK, upper-case alphanumerics for passports); NULL when an official
    # guest gave none, so such guests are never merged with each other.
    id_number = CharField(max_length=30, null=True)
    nationality = CharField(max_length=2, default="")  # ISO 3166 alpha-2; "ID" for WNI
    name = CharField(max_length=200)
    institution = CharField(max_length=200, default="")
    phone = CharField(max_length=20, default="")
    visit_count = IntegerField(default=0)
    first_seen_at = DateTimeField(default=utcnow)
    last_seen_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "jali_visitor"
        indexes = ((("id_type", "id_number", "nationality"), True),)


class Visit(BaseModel):
    visit_date = DateField()  # calendar date in WIB
    number = IntegerField()  # the day's running number, printed large on the sticker
    category = CharField(max_length=10)
    visitor = ForeignKeyField(Visitor, backref="visits", on_delete="RESTRICT")
    name = CharField(max_length=200)
    institution = CharField(max_length=200, default="")
    phone = CharField(max_length=20, default="")
    purpose = CharField(max_length=200)
    host = ForeignKeyField(User, null=True, backref="hosted_visits", on_delete="SET NULL")
    host_unit = ForeignKeyField(
        Unit, null=True, backref="hosted_visits", on_delete="SET NULL", index=False
    )
    registered_by = ForeignKeyField(
        User, null=True, backref="registered_visits", on_delete="SET NULL", index=False
    )
    checked_in_at = DateTimeField(default=utcnow)
    checked_out_at = DateTimeField(null=True, index=True)
    checkout_method = CharField(max_length=10, default="")
    checked_out_by = ForeignKeyField(
        User, null=True, backref="checked_out_visits", on_delete="SET NULL", index=False
    )
    # Si Owl's answer at arrival (WNA only)
    permit_state = CharField(max_length=12, default="")
    foreigner_id = IntegerField(null=True)
    permit_type = CharField(max_length=20, default="")
    permit_number = CharField(max_length=50, default="")
    permit_expiry = DateField(null=True)
    days_overstayed = IntegerField(default=0)
    extension_in_process = BooleanField(default=False)
    inteldakim_alerted_at = DateTimeField(null=True)

    class Meta:
        table_name = "jali_visit"
        indexes = (
            (("visit_date", "number"), True),
            (("visit_date", "category"), False),
        )

    @property
    def inside(self):
        return self.checked_out_at is None

    @property
    def swept(self):
        return self.checkout_method == OUT_SWEEP

    @property
    def permit_expired(self):
        return self.permit_state == PERMIT_EXPIRED

    @property
    def display_number(self):
        return f"{self.number:03d}"


class VisitCounter(BaseModel):
    """The last visitor number handed out on a day (an upsert takes the row lock)."""

    day = DateField(primary_key=True)

    class Meta:
        table_name = "jali_visit_counter"

    last = IntegerField(default=0)
