"""Crash and recovery with real parts (DESIGN §8): real ``python worker.py`` processes, a real
Redis, real aiosmtpd servers. Each test bounds its waits; together they take well under a minute.
"""

import collections
import threading
import time

import pytest

from intranet.extensions import db, get_redis, transaction
from intranet.notify import settings as cfg
from intranet.notify.models import SENDING, SENT, OutboxMessage
from intranet.notify.reconcile import enqueue_due
from intranet.notify.services import queue_email

from .conftest import wait_until

pytestmark = pytest.mark.slow

TEMPLATE = "notify/email/test_message"
# The reconciler every second (instead of every minute) and a short "stuck" timeout.
FAST = ("--tick", "0.3", "--every", "notify.reconcile=1")


def _fast_settings(**extra):
    values = {
        "sending_timeout_seconds": 2,
        "enqueue_grace_seconds": 1,
        "backoff_seconds": 1,
        "backoff_max_seconds": 1,
        **extra,
    }
    for name, value in values.items():
        cfg.set_value(name, value)


def _queue_many(n, prefix):
    with transaction():
        for i in range(n):
            queue_email(
                f"{prefix}:{i}",
                f"{prefix}{i}@example.com",
                TEMPLATE,
                {"requested_by": "Uji", "requested_at": None},
                kind=f"test.{prefix}",
            )
    return {f"{prefix}{i}@example.com" for i in range(n)}


def _arrivals(sink):
    with sink.lock:
        return collections.Counter(m.envelope_to[0] for m in sink.messages)


def _count(status):
    return OutboxMessage.select().where(OutboxMessage.status == status).count()


def test_worker_killed_mid_batch_then_restarted_delivers_all_at_most_one_twice(
    app_ctx, mail_sink, start_worker
):
    _fast_settings(batch_size=500)
    expected = _queue_many(500, "kill")
    first = start_worker("--no-periodic")
    # SIGKILL the worker (and its work horse) while the 500-message batch is going out.
    assert wait_until(lambda: len(mail_sink.messages) >= 60, timeout=90), first.log()
    first.kill()
    at_kill = len(mail_sink.messages)
    assert 60 <= at_kill < 500, "the kill must land mid-batch"
    assert _count(SENDING) > 0  # rows held by the dead worker
    time.sleep(1.5)  # the crash is real: nothing more goes out until a new worker starts
    assert len(mail_sink.messages) <= at_kill + 1

    start_worker(*FAST)
    assert wait_until(lambda: set(_arrivals(mail_sink)) == expected, timeout=90)
    time.sleep(0.5)  # nothing more may come
    arrivals = _arrivals(mail_sink)
    assert set(arrivals) == expected
    duplicates = [a for a, n in arrivals.items() if n > 1]
    assert len(duplicates) <= 1 and all(arrivals[a] == 2 for a in duplicates)
    assert wait_until(lambda: _count(SENT) == 500, timeout=30)


def test_redis_flushed_mid_run_every_message_arrives_once(app_ctx, mail_sink, start_worker):
    _fast_settings(batch_size=20)
    expected = _queue_many(200, "flush")
    worker = start_worker(*FAST)
    assert wait_until(lambda: len(mail_sink.messages) >= 30, timeout=90), worker.log()
    get_redis().flushdb()  # every queued job is gone
    arrived_at_flush = len(mail_sink.messages)
    assert arrived_at_flush < 200
    assert wait_until(lambda: set(_arrivals(mail_sink)) == expected, timeout=90), worker.log()
    time.sleep(0.5)
    assert max(_arrivals(mail_sink).values()) == 1
    assert _count(SENT) == 200


def test_paused_sending_holds_then_resume_delivers_once(app_ctx, mail_sink, start_worker):
    from intranet.notify.admin import pause_sending, resume_sending

    _fast_settings()
    worker = start_worker(*FAST)
    pause_sending()
    expected = _queue_many(40, "pause")
    time.sleep(2.5)  # jobs ran and reconcilers ticked: all held
    assert mail_sink.messages == []
    assert _count(SENT) == 0
    resume_sending()
    assert wait_until(lambda: set(_arrivals(mail_sink)) == expected, timeout=90), worker.log()
    time.sleep(0.5)
    assert max(_arrivals(mail_sink).values()) == 1


def test_same_key_from_two_threads_gives_one_row_and_one_message(app, app_ctx, run_jobs, mail_sink):
    barrier = threading.Barrier(2)
    ids, errors = [], []

    def write():
        try:
            with app.app_context(), db.connection_context():
                barrier.wait()
                with transaction():
                    row = queue_email(
                        "pay:7:1001",
                        "pegawai@example.com",
                        TEMPLATE,
                        {"requested_by": "Uji", "requested_at": None},
                        kind="test.race",
                    )
                    time.sleep(0.2)  # both transactions open at once
                ids.append(row.id)
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert len(ids) == 2 and ids[0] == ids[1]
    assert OutboxMessage.select().count() == 1
    run_jobs()
    assert len(mail_sink.wait_for(2, timeout=1.5)) == 1


def test_two_reconcilers_at_once_enqueue_each_row_once(app, app_ctx):
    from intranet.extensions import get_queue

    _fast_settings(batch_size=10)
    _queue_many(30, "orphan")
    get_redis().flushdb()  # the jobs are lost
    barrier = threading.Barrier(3)
    counts = []

    def reconcile():
        with app.app_context(), db.connection_context():
            barrier.wait()
            counts.append(enqueue_due(now=_later()))

    threads = [threading.Thread(target=reconcile) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sum(counts) == 30
    ids = [i for job in get_queue().get_jobs() for i in job.args[0]]
    assert sorted(ids) == sorted(r.id for r in OutboxMessage.select())


def _later():
    import datetime as dt

    from intranet.models import utcnow

    return utcnow() + dt.timedelta(seconds=5)


def test_two_workers_run_each_periodic_slot_once(app_ctx, start_worker):
    from peewee import fn

    from intranet.jobs.models import ScheduledRun

    for _ in range(2):
        start_worker("--tick", "0.2", "--every", "notify.reconcile=1")
    assert wait_until(
        lambda: ScheduledRun.select().where(ScheduledRun.status == "ok").count() >= 4, timeout=90
    )
    per_slot = (
        ScheduledRun.select(ScheduledRun.job, ScheduledRun.slot, fn.COUNT(ScheduledRun.id))
        .group_by(ScheduledRun.job, ScheduledRun.slot)
        .tuples()
    )
    assert all(n == 1 for _job, _slot, n in per_slot)
    workers = {r.worker for r in ScheduledRun.select() if r.worker}
    assert workers  # every run records where it ran
