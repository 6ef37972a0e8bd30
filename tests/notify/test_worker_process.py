"""The real worker process (``python worker.py``) sends the outbox."""

import pytest

from intranet.extensions import transaction
from intranet.notify.models import SENT, OutboxMessage
from intranet.notify.services import queue_email

pytestmark = pytest.mark.slow


def _queue_many(n, prefix="w"):
    with transaction():
        for i in range(n):
            queue_email(
                f"{prefix}:{i}",
                f"{prefix}{i}@example.com",
                "notify/email/test_message",
                {"requested_by": "Uji", "requested_at": None},
                kind="notify.test",
            )


def test_worker_process_sends_the_queued_batch(app_ctx, mail_sink, start_worker):
    _queue_many(50)
    worker = start_worker("--burst")
    worker.proc.wait(60)
    assert len(mail_sink.wait_for(50)) == 50, worker.log()
    assert OutboxMessage.select().where(OutboxMessage.status == SENT).count() == 50
