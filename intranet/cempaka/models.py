"""Si Cempaka: WFH deliverables stamped with the browser's location, and their review.

A ``Submission`` holds the current version of a deliverable (what the queue lists, in one table so
the lists stay cheap at a million rows); each resubmission first copies the version it replaces
into ``SubmissionVersion``, so the history is kept. ``Review`` is every decision, ``SubmissionFile``
every stored file (per version).
"""

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DoubleField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from ..models import BaseModel, utcnow
from ..people.models import User

PENDING = "pending"
APPROVED = "approved"
REVISION = "revision"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"  # taken back by its author while pending; final
STATUSES = (PENDING, APPROVED, REVISION, REJECTED, WITHDRAWN)

# How the browser answered the location request ("ok" is the only status with coordinates).
LOC_OK = "ok"
LOC_DENIED = "denied"
LOC_UNAVAILABLE = "unavailable"
LOC_TIMEOUT = "timeout"
LOC_UNSUPPORTED = "unsupported"
LOC_MISSING = "missing"  # nothing came with the form (scripts off, an old page, a crafted post)
LOCATION_STATUSES = (
    LOC_OK,
    LOC_DENIED,
    LOC_UNAVAILABLE,
    LOC_TIMEOUT,
    LOC_UNSUPPORTED,
    LOC_MISSING,
)

# Plausibility flags, stored as a bit set (the reviewer filters on them).
FLAG_NO_LOCATION = 1
FLAG_LOW_ACCURACY = 2
FLAG_FAR = 4
FLAG_OUTSIDE_HOURS = 8
FLAG_REUSED_COORDS = 16
FLAG_REUSED_FILE = 32
FLAG_NO_PLACE = 64
FLAG_BITS = (
    FLAG_NO_LOCATION,
    FLAG_LOW_ACCURACY,
    FLAG_FAR,
    FLAG_OUTSIDE_HOURS,
    FLAG_REUSED_COORDS,
    FLAG_REUSED_FILE,
    FLAG_NO_PLACE,
)


class Submission(BaseModel):
    employee = ForeignKeyField(
        User, backref="cempaka_submissions", on_delete="CASCADE", index=False
    )
    work_date = DateField()
    title = CharField(max_length=200)
    description = TextField(default="")
    status = CharField(max_length=16, default=PENDING)
    version = IntegerField(default=1)
    submitted_at = DateTimeField(default=utcnow)  # server time of the current version
    created_at = DateTimeField(default=utcnow)
    file_count = IntegerField(default=0)
    # The location stamp of the current version.
    location_status = CharField(max_length=16)
    lat = DoubleField(null=True)
    lon = DoubleField(null=True)
    accuracy_m = DoubleField(null=True)
    device_time = DateTimeField(null=True)  # the device's clock (naive UTC), as reported
    place_lat = DoubleField(null=True)  # the registered WFH place when submitted
    place_lon = DoubleField(null=True)
    distance_m = DoubleField(null=True)
    coords_coarse = BooleanField(default=False)  # reduced after the retention period
    flags = IntegerField(default=0)
    # The latest decision (every decision is also a Review row).
    decided_at = DateTimeField(null=True)
    decided_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL", index=False)
    decision_comment = TextField(default="")

    class Meta:
        table_name = "cempaka_submission"
        indexes = (
            # the review queue: direct reports' rows by status, in date order
            (("employee", "status", "work_date"), False),
            # "my deliverables" and the per-employee history
            (("employee", "work_date"), False),
            # the supervisors' digest and the retention sweep
            (("status", "submitted_at"), False),
            (("submitted_at",), False),
            # the head's recap of a month over every unit
            (("work_date", "status"), False),
            # identical coordinates reused
            (("lat", "lon"), False),
        )


class SubmissionVersion(BaseModel):
    """A version replaced by a resubmission, as it was when reviewed."""

    submission = ForeignKeyField(Submission, backref="versions", on_delete="CASCADE", index=False)
    version = IntegerField()
    work_date = DateField()
    title = CharField(max_length=200)
    description = TextField(default="")
    submitted_at = DateTimeField()
    location_status = CharField(max_length=16)
    lat = DoubleField(null=True)
    lon = DoubleField(null=True)
    accuracy_m = DoubleField(null=True)
    device_time = DateTimeField(null=True)
    place_lat = DoubleField(null=True)
    place_lon = DoubleField(null=True)
    distance_m = DoubleField(null=True)
    coords_coarse = BooleanField(default=False)
    flags = IntegerField(default=0)

    class Meta:
        table_name = "cempaka_submission_version"
        indexes = (
            (("submission", "version"), True),
            (("lat", "lon"), False),
            (("submitted_at",), False),
        )


class SubmissionFile(BaseModel):
    submission = ForeignKeyField(Submission, backref="files", on_delete="CASCADE", index=False)
    version = IntegerField()
    original_name = CharField(max_length=255)
    stored_name = CharField(max_length=100)  # relative to UPLOAD_DIR, random, never from input
    kind = CharField(max_length=8)  # pdf, docx, xlsx, jpg, png
    content_type = CharField(max_length=100)
    size = IntegerField()
    sha256 = CharField(max_length=64)  # of the stored bytes
    upload_sha256 = CharField(max_length=64)  # of the bytes as uploaded (before metadata removal)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "cempaka_submission_file"
        indexes = (
            (("submission", "version"), False),
            (("upload_sha256",), False),
            (("sha256",), False),
        )


class Review(BaseModel):
    submission = ForeignKeyField(Submission, backref="reviews", on_delete="CASCADE", index=False)
    version = IntegerField()
    reviewer = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL", index=False)
    decision = CharField(max_length=16)  # approved, revision, rejected
    comment = TextField(default="")
    decided_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "cempaka_review"
        indexes = ((("submission", "decided_at"), False),)
