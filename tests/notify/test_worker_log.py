"""The worker's console (issue 15 item 15): one line per job that did something, nothing for a
job that found nothing to do; RQ's own per-job lines only at LOG_LEVEL=DEBUG. A real
``python worker.py --burst`` against the test's database, Redis and SMTP sink."""

import re

import pytest

from intranet.extensions import transaction
from intranet.jobs import scheduler
from intranet.notify.services import queue_email
from intranet.scheduling import load_job_modules

pytestmark = pytest.mark.slow

RQ_JOB_LINES = re.compile(r"Job OK|Successfully completed|result is kept|default: ")


def _queue_work():
    """Three e-mails to send, and a run of the reconciler that will find nothing to do."""
    with transaction():
        for i in range(3):
            queue_email(
                f"log:{i}",
                f"log{i}@example.com",
                "notify/email/test_message",
                {"requested_by": "Uji", "requested_at": None},
                kind="test.log",
            )
    reconcile = load_job_modules()["notify.reconcile"]
    assert scheduler.tick(jobs={reconcile.name: reconcile}) == ["notify.reconcile"]


def _run(start_worker, **env):
    worker = start_worker("--burst", env=env)
    assert worker.proc.wait(60) == 0, worker.log()
    return worker.log().splitlines()


def test_the_console_has_one_line_per_job_that_did_something(app_ctx, mail_sink, start_worker):
    from intranet.jobs.models import ScheduledRun

    mail_sink.clear()
    _queue_work()
    lines = _run(start_worker)
    assert len(mail_sink.wait_for(3)) == 3
    assert ScheduledRun.get(ScheduledRun.job == "notify.reconcile").status == "ok"
    assert not [line for line in lines if RQ_JOB_LINES.search(line)], lines
    sends = [line for line in lines if "outbox: sent" in line]
    assert sends and all(" INFO " in line for line in sends), lines
    assert sum(int(re.search(r"sent (\d+)", line).group(1)) for line in sends) == 3
    assert not [line for line in lines if "reconcile" in line], lines  # nothing to do: silent
    # Nothing else at INFO but the line saying where the worker listens.
    others = [line for line in lines if " INFO " in line and line not in sends]
    assert len(others) == 1 and "listening on" in others[0], lines


def test_log_level_debug_shows_rq_s_own_lines(app_ctx, mail_sink, start_worker):
    _queue_work()
    lines = _run(start_worker, LOG_LEVEL="DEBUG")
    assert [line for line in lines if "Job OK" in line], lines
    assert [line for line in lines if "notify.reconcile: nothing to do" in line], lines
