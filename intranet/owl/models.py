"""Si Owl: foreigners, their stay permits and applications, expiry warnings, overstay cases,
disruption notices.

Dates that are calendar dates in Jakarta (permit issue and expiry, scan days) are ``DateField``;
moments are naive UTC ``DateTimeField`` (shown in WIB).
"""

import datetime as dt

from peewee import (
    BigIntegerField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from ..models import utcnow
from ..people.models import User
from .base import OwlModel

PERMIT_TYPES = ("ITK", "ITAS", "ITAP")

# Permit status: "active" is the permit in force (even past its expiry date: that is an
# overstay); "replaced" when an extension or conversion issued its successor; "cancelled" when
# the foreigner left Indonesia for good or the permit was revoked.
PERMIT_STATUSES = ("active", "replaced", "cancelled")

APPLICATION_KINDS = ("extension", "conversion", "new")
APPLICATION_STATUSES = ("received", "in_process", "completed", "rejected")
OPEN_APPLICATION_STATUSES = ("received", "in_process")
# Applications that keep a foreigner's current permit alive while they are decided.
RENEWAL_KINDS = ("extension", "conversion")

FOLLOW_UP_ACTIONS = ("visited", "paid", "deported", "other")


def normalize_passport(value):
    """Passport numbers compare case-insensitively and ignore spaces, dashes and anything else
    that is not a letter or a digit."""
    return "".join(ch for ch in (value or "").upper() if ch.isascii() and ch.isalnum())


def normalize_number(value):
    """Permit, registration and application numbers: upper case, no spaces or control
    characters (letters, digits and . / - are kept)."""
    return "".join(
        ch for ch in (value or "").upper() if ch.isascii() and (ch.isalnum() or ch in "./-")
    )


class Foreigner(OwlModel):
    name = CharField(max_length=200)
    passport_number = CharField(max_length=30)  # as written on the passport
    passport_key = CharField(max_length=30, index=True)  # normalized, for look-ups
    passport_country = CharField(max_length=2)  # ISO 3166-1 alpha-2 of the issuing state
    nationality = CharField(max_length=2, index=True)  # ISO 3166-1 alpha-2
    date_of_birth = DateField(null=True)
    gender = CharField(max_length=1, default="")  # "M", "F" or ""
    email = CharField(max_length=254, default="")
    phone = CharField(max_length=40, default="")
    language = CharField(max_length=5, default="en")  # e-mail language: "en" or "id"
    address = TextField(default="")  # address in Indonesia
    sponsor_name = CharField(max_length=200, default="")
    sponsor_email = CharField(max_length=254, default="")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


class Permit(OwlModel):
    foreigner = ForeignKeyField(Foreigner, backref="permits", on_delete="CASCADE")
    permit_type = CharField(max_length=4)  # ITK / ITAS / ITAP
    subtype = CharField(max_length=40, default="")
    permit_number = CharField(max_length=40, unique=True)
    registration_number = CharField(max_length=40, default="", index=True)
    issue_date = DateField()
    expiry_date = DateField()
    # expiry - issue in days, kept so the scan can skip stages that began on the day of issue.
    duration_days = IntegerField(default=0)
    status = CharField(max_length=10, default="active")
    cancel_reason = CharField(max_length=20, default="")  # departed, revoked, deported, other
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            # The permit list (keyset pagination by expiry) and the daily scan (range by expiry).
            (("status", "expiry_date", "id"), False),
            (("foreigner", "issue_date"), False),
        )

    def days_left(self, today):
        return (self.expiry_date - today).days


class Application(OwlModel):
    number = CharField(max_length=30, unique=True)  # shown to the foreigner; public look-up key
    foreigner = ForeignKeyField(Foreigner, backref="applications", on_delete="CASCADE")
    permit = ForeignKeyField(Permit, null=True, backref="applications", on_delete="SET NULL")
    kind = CharField(max_length=12)
    requested_type = CharField(max_length=4)
    status = CharField(max_length=12, default="received")
    officer = ForeignKeyField(User, null=True, backref="owl_applications", on_delete="SET NULL")
    received_on = DateField()
    received_at = DateTimeField(default=utcnow)
    started_at = DateTimeField(null=True)
    decided_at = DateTimeField(null=True)
    decided_on = DateField(null=True)
    decision_note = TextField(default="")
    resulting_permit = ForeignKeyField(
        Permit, null=True, backref="resulting_from", on_delete="SET NULL"
    )
    notes = TextField(default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("foreigner", "status"), False),
            (("status", "received_on"), False),
            (("officer", "decided_on"), False),
        )


class PermitWarning(OwlModel):
    """One staged expiry warning the scan decided to send (permit x lead time), written in the
    same transaction as its outbox row ``permit:<permit>:<lead_days>``."""

    permit = ForeignKeyField(Permit, backref="warnings", on_delete="CASCADE")
    lead_days = IntegerField()
    days_left = IntegerField()
    scan_date = DateField()
    batch = CharField(max_length=32, index=True)
    outbox_id = BigIntegerField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("permit", "lead_days"), True),)


class OverstayCase(OwlModel):
    """A permit past its expiry with no renewal in process, from the day the scan finds it until
    the permit is renewed or cancelled or Inteldakim closes it."""

    permit = ForeignKeyField(Permit, backref="overstay_cases", on_delete="CASCADE")
    foreigner = ForeignKeyField(Foreigner, backref="overstay_cases", on_delete="CASCADE")
    expiry_date = DateField()
    opened_on = DateField(index=True)
    escalated_on = DateField(null=True)  # the scan day the case reached the escalation threshold
    status = CharField(max_length=10, default="open")  # open / closed
    closed_on = DateField(null=True)
    closed_reason = CharField(max_length=20, default="")  # renewed, cancelled, paid, deported...
    new_digest = IntegerField(null=True, index=True)  # OverstayDigest id that reported it
    escalation_digest = IntegerField(null=True, index=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("status", "expiry_date"), False),)


class OverstayFollowUp(OwlModel):
    case = ForeignKeyField(OverstayCase, backref="follow_ups", on_delete="CASCADE")
    officer = ForeignKeyField(User, null=True, on_delete="SET NULL")
    action = CharField(max_length=10)
    action_date = DateField()
    notes = TextField(default="")
    created_at = DateTimeField(default=utcnow)


class OverstayDigest(OwlModel):
    """One Inteldakim digest: the new and escalated cases it reported went to every officer."""

    digest_date = DateField()
    new_count = IntegerField(default=0)
    escalated_count = IntegerField(default=0)
    recipients = IntegerField(default=0)
    created_at = DateTimeField(default=utcnow)


class Disruption(OwlModel):
    """A service disruption notice, bilingual, shown on the public page while it lasts."""

    title_en = CharField(max_length=200)
    title_id = CharField(max_length=200)
    message_en = TextField()
    message_id = TextField()
    starts_at = DateTimeField()
    expected_end_at = DateTimeField()
    resolved_at = DateTimeField(null=True)
    resolution_en = TextField(default="")
    resolution_id = TextField(default="")
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    notified = IntegerField(default=0)

    def is_current(self, now=None):
        now = now or utcnow()
        return self.resolved_at is None and self.starts_at <= now

    def title(self, lang):
        return self.title_en if lang == "en" else self.title_id

    def message(self, lang):
        return self.message_en if lang == "en" else self.message_id


class DisruptionRecipient(OwlModel):
    """Who was told about a disruption, so the all-clear reaches the same people."""

    disruption = ForeignKeyField(Disruption, backref="recipients", on_delete="CASCADE")
    foreigner = ForeignKeyField(Foreigner, on_delete="CASCADE")

    class Meta:
        indexes = ((("disruption", "foreigner"), True),)


def as_date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value
