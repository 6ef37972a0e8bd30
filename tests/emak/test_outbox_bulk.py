"""The bulk writer of pay notices writes the same outbox rows as the outbox's own queue_email
(guards against the two drifting apart when the outbox model changes)."""

import datetime as dt

import pytest

from intranet.emak.outbox import queue_notices
from intranet.extensions import transaction
from intranet.notify.models import OutboxMessage
from intranet.notify.services import InvalidRecipient, queue_email

CONTEXT = {"name": "Siti", "secret_pay": {"net": 1_234_567}, "when": dt.date(2026, 11, 25)}
TEMPLATE = "emak/email/pay_notice"
IGNORED = {"id", "key", "job_id", "job_at", "created_at", "updated_at", "send_after"}


def test_same_row_as_queue_email(app_ctx):
    with transaction():
        one = queue_email(
            "pay:1:1",
            "Siti@Kanim.Example",
            TEMPLATE,
            CONTEXT,
            language="en",
            kind="emak.pay_notice",
            object_type="PayRun",
            object_id=1,
        )
        ids = queue_notices(
            [("pay:1:2", "Siti@Kanim.Example", CONTEXT, "en")],
            template=TEMPLATE,
            kind="emak.pay_notice",
            object_type="PayRun",
            object_id=1,
        )
    two = OutboxMessage.get_by_id(ids["pay:1:2"])
    one = OutboxMessage.get_by_id(one.id)
    for field in OutboxMessage._meta.sorted_fields:
        if field.name not in IGNORED:
            assert getattr(one, field.name) == getattr(two, field.name), field.name
    assert two.to_address == "Siti@kanim.example" and two.job_id and two.job_at


def test_existing_key_is_kept_and_later_rows_wait(app_ctx):
    later = dt.datetime(2099, 1, 1)
    with transaction():
        first = queue_notices(
            [("pay:9:1", "a@kanim.example", CONTEXT, "id")],
            template=TEMPLATE,
            kind="emak.pay_notice",
            object_type="PayRun",
            object_id=9,
        )
        again = queue_notices(
            [
                ("pay:9:1", "b@kanim.example", CONTEXT, "id"),
                ("pay:9:2", "c@kanim.example", CONTEXT, "xx"),
            ],
            template=TEMPLATE,
            kind="emak.pay_notice",
            object_type="PayRun",
            object_id=9,
            send_after=later,
        )
    assert again["pay:9:1"] == first["pay:9:1"]
    kept = OutboxMessage.get_by_id(first["pay:9:1"])
    assert kept.to_address == "a@kanim.example"
    waiting = OutboxMessage.get_by_id(again["pay:9:2"])
    assert (waiting.send_after, waiting.job_id, waiting.language) == (later, "", "id")


def test_bad_address_writes_nothing(app_ctx):
    with pytest.raises(InvalidRecipient), transaction():
        queue_notices(
            [
                ("pay:3:1", "ok@kanim.example", CONTEXT, "id"),
                ("pay:3:2", "not an address", CONTEXT, "id"),
            ],
            template=TEMPLATE,
            kind="emak.pay_notice",
            object_type="PayRun",
            object_id=3,
        )
    assert OutboxMessage.select().count() == 0
