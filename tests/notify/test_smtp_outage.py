"""SMTP server down (port closed) while messages are due, then up again (DESIGN §8)."""

import time

import pytest

from intranet.notify.models import DEAD, FAILED, SENT, OutboxMessage

from ..conftest import MailSink
from .conftest import wait_until
from .test_reliability import FAST, _arrivals, _count, _fast_settings, _queue_many

pytestmark = pytest.mark.slow


@pytest.fixture
def flaky_smtp():
    """A second SMTP server on a fixed port that the test closes and opens again."""
    sink = MailSink()
    yield sink
    try:
        sink.controller.stop()
    except (AssertionError, RuntimeError):
        pass


@pytest.fixture
def app_config(app_config, flaky_smtp):
    return {**app_config, "MAIL_PORT": flaky_smtp.port}


def test_smtp_down_then_up(app_ctx, flaky_smtp, start_worker, make_user, login_as, client):
    from aiosmtpd.controller import Controller

    _fast_settings(max_attempts=3)
    # Port closed. One message goes first and gives up after its 3 attempts.
    _queue_many(1, "early")
    worker = start_worker(*FAST)
    assert wait_until(lambda: _count(DEAD) == 1, timeout=30), worker.log()
    early = OutboxMessage.get(OutboxMessage.key == "early:0")
    assert early.attempts == 3 and "Connection refused" in early.error_log

    # 100 messages due while the server is still down: they fail and wait, counting attempts.
    expected = _queue_many(100, "down")
    assert wait_until(lambda: _count(FAILED) == 100, timeout=20), worker.log()
    assert all(
        r.attempts >= 1 for r in OutboxMessage.select().where(OutboxMessage.status == FAILED)
    )

    # The server comes back on the same port: all 100 arrive, once each.
    flaky_smtp.controller = Controller(flaky_smtp, hostname="127.0.0.1", port=flaky_smtp.port)
    flaky_smtp.controller.start()
    assert wait_until(lambda: set(_arrivals(flaky_smtp)) == expected, timeout=30), worker.log()
    time.sleep(0.5)
    assert max(_arrivals(flaky_smtp).values()) == 1
    down = list(OutboxMessage.select().where(OutboxMessage.kind == "test.down"))
    assert {r.status for r in down} == {SENT}
    assert all(r.attempts >= 2 for r in down)  # the failed tries are counted
    assert OutboxMessage.get_by_id(early.id).status == DEAD  # gave up: not sent on recovery

    # The dead row shows on the admin page.
    login_as(make_user("admin"))
    html = client.get("/admin/outbox/?status=dead").get_data(as_text=True)
    assert 'id="dead-alert"' in html and f'data-id="{early.id}"' in html
