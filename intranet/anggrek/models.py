"""Si Anggrek: counters of Seksi Lalu Lintas Keimigrasian, their tickets and service events,
applicant satisfaction responses (IKM), and flag cases about counter officers.

``ServiceEvent`` is the record every metric is computed from; ``CounterState`` is the small table
of each counter's current state that the live board reads (one row per counter), so the board
never scans events. ``Ticket.called_at`` / ``started_at`` / ``finished_at`` copy the timestamps of
the ticket's events (same transaction, same value) so the queue can be read without the events.
"""

from peewee import (
    BigAutoField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    SmallIntegerField,
    TextField,
)

from ..models import BaseModel, utcnow
from ..people.models import Unit, User

# ----- counters, tickets, events --------------------------------------------------------------

# Counter states shown on the board.
CLOSED, IDLE, CALLING, INTERVIEWING = "closed", "idle", "calling", "interviewing"
COUNTER_STATES = (CLOSED, IDLE, CALLING, INTERVIEWING)

# Ticket statuses.
WAITING, CALLED, SERVING, DONE = "waiting", "called", "serving", "done"
NOT_CALLED = "not_called"  # still waiting when the day was closed
TICKET_STATUSES = (WAITING, CALLED, SERVING, DONE, NOT_CALLED)

# Outcomes of a finished ticket.
SERVED, REFERRED, NO_SHOW = "served", "referred", "no_show"
OUTCOMES = (SERVED, REFERRED, NO_SHOW)

# Service event kinds: a shift is the time between OPEN and CLOSE of a counter by one officer.
OPEN, CALL, RECALL, START, FINISH, CLOSE = "open", "call", "recall", "start", "finish", "close"
EVENT_KINDS = (OPEN, CALL, RECALL, START, FINISH, CLOSE)


class Counter(BaseModel):
    code = CharField(max_length=10, unique=True)
    name = CharField(max_length=100)
    unit = ForeignKeyField(Unit, null=True, on_delete="SET NULL")
    # The public survey form of this counter is /anggrek/s/<survey_token> (the QR code's target).
    survey_token = CharField(max_length=32, unique=True)
    is_active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "anggrek_counter"


class Ticket(BaseModel):
    number = CharField(max_length=8)  # e.g. "A012": service prefix + daily sequence
    service = CharField(max_length=20)
    issue_date = DateField()  # WIB calendar date of issued_at
    issued_at = DateTimeField(default=utcnow)
    status = CharField(max_length=10, default=WAITING)
    priority = BooleanField(default=False)
    counter = ForeignKeyField(Counter, null=True, on_delete="SET NULL", index=False)
    officer = ForeignKeyField(User, null=True, on_delete="SET NULL", index=False)
    called_at = DateTimeField(null=True)
    started_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)
    outcome = CharField(max_length=10, null=True)

    class Meta:
        table_name = "anggrek_ticket"
        indexes = (
            (("issue_date", "number"), True),
            (("issue_date", "status"), False),
        )


class CounterState(BaseModel):
    """The current state of one counter. Every change is a conditional UPDATE on ``state`` (and
    ``ticket``), so of two concurrent steps only one can win."""

    counter = ForeignKeyField(Counter, primary_key=True, on_delete="CASCADE")
    state = CharField(max_length=15, default=CLOSED)
    # The officer staffing the counter; unique, so an officer staffs one counter at a time.
    officer = ForeignKeyField(User, null=True, unique=True, on_delete="SET NULL")
    ticket = ForeignKeyField(Ticket, null=True, on_delete="SET NULL", index=False)
    since = DateTimeField(default=utcnow)

    class Meta:
        table_name = "anggrek_counter_state"


class TicketSequence(BaseModel):
    """Daily numbering per service prefix: A001, A002, ... from 001 every day."""

    day = DateField()
    prefix = CharField(max_length=2)
    last = IntegerField(default=0)

    class Meta:
        table_name = "anggrek_ticket_sequence"
        indexes = ((("day", "prefix"), True),)


class ServiceEvent(BaseModel):
    id = BigAutoField()
    at = DateTimeField(index=True)
    kind = CharField(max_length=10)
    counter = ForeignKeyField(Counter, index=False)
    officer = ForeignKeyField(User, index=False)
    ticket = ForeignKeyField(Ticket, null=True)
    outcome = CharField(max_length=10, null=True)

    class Meta:
        table_name = "anggrek_service_event"
        indexes = ((("officer", "at"), False),)


# ----- satisfaction (IKM) ---------------------------------------------------------------------


class SurveyResponse(BaseModel):
    """One applicant's answers for one ticket: the nine IKM elements u1..u9 rated 1-4."""

    ticket = ForeignKeyField(Ticket, unique=True, on_delete="CASCADE")
    counter = ForeignKeyField(Counter, on_delete="CASCADE")
    officer = ForeignKeyField(User, null=True, on_delete="SET NULL")
    unit = ForeignKeyField(Unit, null=True, on_delete="SET NULL")
    submitted_at = DateTimeField(default=utcnow, index=True)
    u1 = SmallIntegerField()
    u2 = SmallIntegerField()
    u3 = SmallIntegerField()
    u4 = SmallIntegerField()
    u5 = SmallIntegerField()
    u6 = SmallIntegerField()
    u7 = SmallIntegerField()
    u8 = SmallIntegerField()
    u9 = SmallIntegerField()
    comment = TextField(default="")

    class Meta:
        table_name = "anggrek_survey_response"

    @property
    def ratings(self):
        return [getattr(self, f"u{i}") for i in range(1, 10)]


# ----- flags ----------------------------------------------------------------------------------

CATEGORIES = ("rude", "slow", "away", "pungli", "other")
FLAG_OPEN, FLAG_INVESTIGATING, FLAG_RESOLVED = "open", "investigating", "resolved"
FLAG_STATUSES = (FLAG_OPEN, FLAG_INVESTIGATING, FLAG_RESOLVED)
SUBSTANTIATED, NOT_SUBSTANTIATED = "substantiated", "not_substantiated"
RESOLUTIONS = (SUBSTANTIATED, NOT_SUBSTANTIATED)


class Flag(BaseModel):
    """A case about a counter officer. Seen only by the head of office, admins and the reporter;
    never by the flagged officer."""

    officer = ForeignKeyField(User, backref="+")
    reporter = ForeignKeyField(User, backref="+")
    category = CharField(max_length=20)
    description = TextField()
    status = CharField(max_length=15, default=FLAG_OPEN, index=True)
    resolution = CharField(max_length=20, null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    resolved_at = DateTimeField(null=True)
    decided_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")

    class Meta:
        table_name = "anggrek_flag"


class FlagEvent(BaseModel):
    flag = ForeignKeyField(Flag, on_delete="CASCADE", backref="event_links")
    event = ForeignKeyField(ServiceEvent, on_delete="CASCADE")

    class Meta:
        table_name = "anggrek_flag_event"
        indexes = ((("flag", "event"), True),)


class FlagAttachment(BaseModel):
    flag = ForeignKeyField(Flag, on_delete="CASCADE", backref="attachments")
    original_name = CharField(max_length=200)
    stored_name = CharField(max_length=100, unique=True)  # relative to UPLOAD_DIR
    content_type = CharField(max_length=100)
    size = IntegerField()
    sha256 = CharField(max_length=64)
    uploaded_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "anggrek_flag_attachment"


class FlagNote(BaseModel):
    flag = ForeignKeyField(Flag, on_delete="CASCADE", backref="notes")
    author = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    at = DateTimeField(default=utcnow)
    body = TextField(default="")
    from_status = CharField(max_length=15, null=True)
    to_status = CharField(max_length=15, null=True)
    resolution = CharField(max_length=20, null=True)

    class Meta:
        table_name = "anggrek_flag_note"
