"""A worker SIGKILLed in the middle of a pay run: every employee still gets their notice, and at
most the one message in flight at the moment of the kill arrives twice (the outbox's guarantee,
exercised here with a real ``python worker.py`` and a real SMTP server)."""

import collections
import datetime as dt
import time

import pytest

from intranet.emak import lines, runs, sending
from intranet.notify import reconcile as outbox
from intranet.notify import settings as outbox_settings
from intranet.notify.models import OutboxMessage

from .conftest import make_csv, wait_until

pytestmark = pytest.mark.slow

EMPLOYEES = 80


def kill_worker_and_horse(worker):
    """SIGKILL the worker and every process it started. RQ's work horse calls setpgrp(), so it
    is not in the worker's process group: killing the group alone leaves the horse sending."""
    import psutil

    parent = psutil.Process(worker.proc.pid)
    processes = [parent, *parent.children(recursive=True)]
    assert len(processes) >= 2, "the work horse should be running"
    for process in processes:
        process.kill()
    worker.proc.wait(10)
    psutil.wait_procs(processes, timeout=10)


def test_sigkill_mid_run_delivers_each_notice_once(
    slow_sink, app_ctx, make_user, finance, start_worker
):
    people = [make_user(name=f"Pegawai {i}", email=f"p{i}@kanim.example") for i in range(EMPLOYEES)]
    run = runs.create_run(
        period=dt.date(2026, 11, 1), kind="gaji", pay_date=dt.date(2026, 11, 25), actor=finance
    )
    rows = [
        (p.nip, "gaji_pokok", f"{4_000_000 + i * 1_000:,}".replace(",", "."))
        for i, p in enumerate(people)
    ]
    assert not lines.import_lines(
        run.id, filename="gaji.csv", data=make_csv(rows), replace=False, actor=finance
    ).errors
    runs.finalise_run(run.id, actor=finance)
    outbox_settings.set_value("sending_timeout_seconds", 1)

    sending.send_run(run.id, actor=finance)
    worker = start_worker()
    assert wait_until(lambda: len(slow_sink.accepted) >= 20, timeout=60), worker.log()
    kill_worker_and_horse(worker)  # SIGKILL, mid-batch
    delivered_before = len(slow_sink.accepted)
    time.sleep(0.3)
    assert len(slow_sink.accepted) == delivered_before  # nothing is sending any more
    assert delivered_before < EMPLOYEES
    stuck = OutboxMessage.select().where(OutboxMessage.status == "sending").count()
    assert stuck > 0  # the dead worker's claimed rows

    time.sleep(1.2)  # past the (shortened) sending timeout
    result = outbox.reconcile()  # what the periodic reconciler does every minute
    assert result["reset"] == stuck
    again = start_worker("--burst")
    again.proc.wait(120)
    assert wait_until(
        lambda: OutboxMessage.select().where(OutboxMessage.status == "sent").count() == EMPLOYEES,
        timeout=30,
    ), again.log()

    received = collections.Counter(
        address for msg in slow_sink.accepted for address in msg.envelope_to
    )
    assert set(received) == {p.email for p in people}
    duplicates = sum(n - 1 for n in received.values())
    assert duplicates <= 1, received.most_common(3)
    # and each carries that employee's own net
    first = {}
    for msg in slow_sink.accepted:
        first.setdefault(msg.envelope_to[0], msg)
    for i, p in enumerate(people[:5]):
        net = f"Rp {4_000_000 + i * 1_000:,}".replace(",", ".")
        assert net in first[p.email].get_body(("plain",)).get_content()
