"""Outbox rows, their counts, and password-reset tokens. (The periodic-job runs are
``intranet.jobs.models``.)"""

from peewee import (
    CharField,
    DateTimeField,
    IntegerField,
    TextField,
)

from ..models import BaseModel, utcnow

QUEUED, SENDING, SENT, FAILED, DEAD = "queued", "sending", "sent", "failed", "dead"
STATUSES = (QUEUED, SENDING, SENT, FAILED, DEAD)
# Rows a worker may pick up (when due and sending is not paused).
SENDABLE = (QUEUED, FAILED)


class OutboxMessage(BaseModel):
    """One e-mail. Written in the caller's transaction; a worker moves it
    queued -> sending -> sent, or failed (retried with backoff) -> dead (gave up)."""

    key = CharField(max_length=200, unique=True)  # idempotency key, e.g. "pay:12:345"
    kind = CharField(max_length=80)  # e.g. "emak.pay_notice", for counts and filters
    to_address = CharField(max_length=254)
    cc = TextField(default="")  # validated addresses, comma-separated
    language = CharField(max_length=5, default="id")
    template = CharField(max_length=200)  # templates/<template>.txt and .html
    context = TextField(default="{}")  # JSON (see rendering.dumps_context)
    object_type = CharField(max_length=60, default="")
    object_id = CharField(max_length=64, default="")

    status = CharField(max_length=10, default=QUEUED)
    attempts = IntegerField(default=0)
    last_error = TextField(default="")
    error_log = TextField(default="")  # one line per failed attempt, newest last
    send_after = DateTimeField(default=utcnow)
    sent_at = DateTimeField(null=True)
    message_id = CharField(max_length=255, default="")
    subject = CharField(max_length=255, default="")  # as rendered when sent

    # Worker bookkeeping: which RQ job should send the row, which execution holds it.
    job_id = CharField(max_length=64, default="")
    job_at = DateTimeField(null=True)
    claim = CharField(max_length=32, default="")
    claimed_at = DateTimeField(null=True)

    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "outbox_message"
        indexes = (
            # (status, id): the newest rows of one status (the admin's filter, the newest dead
            # row) in index order on PostgreSQL too (SQLite's indexes end in the id anyway).
            (("status", "id"), False),
            (("kind", "status"), False),
            (("object_type", "object_id"), False),
        )

    @property
    def cc_list(self):
        return [a for a in self.cc.split(",") if a]


class OutboxCount(BaseModel):
    """Outbox rows per (kind, status), kept exact by database triggers (migration 0009): every
    INSERT, DELETE or change of kind/status on ``outbox_message`` appends +1/-1 rows here in
    the same transaction, whichever code made the change. The admin page sums this small
    table instead of grouping a million rows; ``counts.compact_counts`` (every reconciler run)
    folds the appended rows into one row per (kind, status)."""

    kind = CharField(max_length=80)
    status = CharField(max_length=10)
    n = IntegerField()

    class Meta:
        table_name = "outbox_count"
