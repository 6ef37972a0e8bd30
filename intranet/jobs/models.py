"""The record of the periodic-job runner: one row per run of a job in a time slot."""

from peewee import CharField, DateTimeField, TextField

from ..models import BaseModel, utcnow


class ScheduledRun(BaseModel):
    """One run of a periodic job in one time slot. The unique (job, slot) pair makes two
    schedulers (two workers) start each slot at most once."""

    job = CharField(max_length=100)
    slot = DateTimeField()  # naive UTC start of the slot
    status = CharField(max_length=10, default="enqueued")  # enqueued, running, ok, failed, lost
    rq_job_id = CharField(max_length=64, default="")
    enqueued_at = DateTimeField(default=utcnow)
    started_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)
    outcome = TextField(default="")  # the job's return value (short) or the error
    worker = CharField(max_length=120, default="")

    class Meta:
        table_name = "scheduled_run"  # created by migration 0002 (notify), where it began
        indexes = (
            (("job", "slot"), True),
            (("status",), False),
        )
