"""Pay runs, their lines, and the per-employee notices made when a run is finalised.

Money is stored in whole rupiah (BIGINT), never as floating point. A run moves
draft -> final -> sending -> sent and never back; only a draft's lines may change. A correction is
a new run that references the one it corrects.
"""

from peewee import (
    BigIntegerField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from ..models import BaseModel, utcnow
from ..people.models import User

DRAFT = "draft"
FINAL = "final"
SENDING = "sending"
SENT = "sent"
STATES = (DRAFT, FINAL, SENDING, SENT)


class PayRun(BaseModel):
    period = DateField(index=True)  # the first day of the month paid for
    kind = CharField(max_length=30)
    kind_label = CharField(max_length=100, default="")  # the name finance gives an "other" run
    pay_date = DateField()
    send_after = DateTimeField(null=True)  # naive UTC; notices wait until then
    note = TextField(default="")
    status = CharField(max_length=10, default=DRAFT, index=True)
    corrects = ForeignKeyField("self", null=True, backref="corrections", on_delete="SET NULL")
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    finalised_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    finalised_at = DateTimeField(null=True)
    sent_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    send_requested_at = DateTimeField(null=True)
    completed_at = DateTimeField(null=True)

    @property
    def is_draft(self):
        return self.status == DRAFT


class PayLine(BaseModel):
    run = ForeignKeyField(PayRun, backref="lines", on_delete="CASCADE")
    employee = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    component = CharField(max_length=40)
    amount = BigIntegerField()  # whole rupiah, >= 0; the component says earning or deduction

    class Meta:
        indexes = ((("run", "employee", "component"), True),)


class PayNotice(BaseModel):
    """One per employee of a finalised run: the frozen totals, and the outbox row that mails it."""

    run = ForeignKeyField(PayRun, backref="notices", on_delete="CASCADE")
    employee = ForeignKeyField(User, backref="+", on_delete="RESTRICT", index=True)
    earnings = BigIntegerField()
    deductions = BigIntegerField()
    net = BigIntegerField()
    outbox_id = IntegerField(null=True, index=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("run", "employee"), True),)
