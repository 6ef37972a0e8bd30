"""The periodic-job runner (DESIGN §4 "Scheduler").

``worker.py`` runs :func:`run_forever` in a process of its own. Every few seconds it works out,
for each job of the ``@periodic`` registry (``intranet.scheduling``), the current time slot (every N
seconds: the epoch aligned slot; daily at HH:MM WIB: the latest such time that has passed), and
inserts a ``ScheduledRun`` row for (job, slot). The unique (job, slot) index decides: only the
scheduler whose insert succeeded enqueues the RQ job, so two workers (or two schedulers) start
each slot once. The RQ job (``run_periodic``, below) records started, finished and
the outcome. Runs whose RQ job vanished before it started (Redis flushed) are enqueued again;
runs whose worker died while running are marked ``lost``.

A job that declares an ``as_of`` keyword receives its slot's time: a naive UTC datetime, the
instant the slot was scheduled for (daily at 17:30 WIB: that day's 17:30 WIB; every N seconds:
the slot's start). A run that starts late - the worker was down at 17:30 and started the next
morning - acts as of then, not as of the moment it runs: it closes the day of its slot and
leaves the next morning alone. A run on time gets (within a tick) the moment it runs.

Logging: a run whose result says it did something (``did_something``) writes one INFO line
(the job and its outcome); a run that found nothing to do writes at DEBUG only.

The runner's own housekeeping is a periodic job too (``purge_run_history``; this module is in
``JOB_MODULES``). Its name, ``notify.purge_run_history``, is kept from when the runner lived in
``intranet.notify``: past runs are recorded under it.
"""

import datetime as dt
import importlib
import inspect
import json
import logging
import os
import re
import socket
import threading
import traceback
from zoneinfo import ZoneInfo

import redis

from ..extensions import db, get_queue, get_redis, transaction
from ..models import utcnow
from ..scheduling import PERIODIC_JOBS, PeriodicJob, job_connection, load_job_modules, periodic
from .models import ScheduledRun

log = logging.getLogger(__name__)

WIB = ZoneInfo("Asia/Jakarta")
RUN_JOB = "intranet.jobs.scheduler.run_periodic"
LOST_AFTER = dt.timedelta(minutes=2)  # an enqueued run whose RQ job is gone is re-enqueued
RUNNING_LOST_AFTER = dt.timedelta(hours=2)
ENQUEUED, RUNNING, OK, FAILED, LOST = "enqueued", "running", "ok", "failed", "lost"


def slot_for(job, now, every_seconds=None):
    """The naive-UTC start of the slot ``now`` falls in."""
    every = every_seconds or job.every_seconds
    if every:
        epoch = int(now.replace(tzinfo=dt.UTC).timestamp())
        start = epoch - epoch % every
        return dt.datetime.fromtimestamp(start, dt.UTC).replace(tzinfo=None)
    hour, minute = (int(part) for part in job.daily_at.split(":"))
    local = now.replace(tzinfo=dt.UTC).astimezone(WIB)
    at = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if at > local:
        at -= dt.timedelta(days=1)
    return at.astimezone(dt.UTC).replace(tzinfo=None)


def rq_job_id(name, slot):
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", name)  # RQ job ids: letters, digits, _ and -
    return f"periodic-{safe}-{slot:%Y%m%dT%H%M%S}"


def _enqueue(run):
    try:
        get_queue().enqueue_call(
            func=RUN_JOB,
            args=(run.id,),
            job_id=run.rq_job_id,
            timeout=3600,
            result_ttl=24 * 3600,
            failure_ttl=7 * 24 * 3600,
            description=f"periodic: {run.job}",
        )
        return True
    except (redis.RedisError, OSError) as exc:
        log.warning("scheduler: cannot enqueue %s (%s); retried on a later tick", run.job, exc)
        return False


def tick(now=None, jobs=None, every_overrides=None):
    """Start every due slot once. Returns the names of the jobs this call enqueued."""
    now = now or utcnow()
    jobs = PERIODIC_JOBS if jobs is None else jobs
    every_overrides = every_overrides or {}
    started = []
    for job in jobs.values():
        slot = slot_for(job, now, every_overrides.get(job.name))
        job_id = rq_job_id(job.name, slot)
        with transaction():
            cursor = db.execute(
                ScheduledRun.insert(
                    job=job.name, slot=slot, rq_job_id=job_id, enqueued_at=now, status=ENQUEUED
                ).on_conflict(
                    conflict_target=[ScheduledRun.job, ScheduledRun.slot], action="IGNORE"
                )
            )
        if cursor.rowcount == 1:
            run = ScheduledRun.get((ScheduledRun.job == job.name) & (ScheduledRun.slot == slot))
            _enqueue(run)
            started.append(job.name)
    recover(now)
    return started


def recover(now=None):
    """Re-enqueue runs whose RQ job disappeared before running; mark dead running ones lost."""
    now = now or utcnow()
    waiting = list(
        ScheduledRun.select().where(
            (ScheduledRun.status == ENQUEUED) & (ScheduledRun.enqueued_at < now - LOST_AFTER)
        )
    )
    running = list(
        ScheduledRun.select().where(
            (ScheduledRun.status == RUNNING) & (ScheduledRun.started_at < now - RUNNING_LOST_AFTER)
        )
    )
    if not waiting and not running:
        return
    try:
        connection = get_redis()
        pipe = connection.pipeline()
        from rq.job import Job

        for run in waiting + running:
            pipe.hget(Job.key_for(run.rq_job_id), "status")
        statuses = [s.decode() if isinstance(s, bytes) else s for s in pipe.execute()]
    except (redis.RedisError, OSError):
        return
    for run, status in zip(waiting + running, statuses, strict=True):
        if run.status == ENQUEUED and status not in ("queued", "started", "scheduled"):
            # Compare-and-set on enqueued_at: one recovering scheduler wins.
            won = (
                ScheduledRun.update(enqueued_at=now)
                .where(
                    (ScheduledRun.id == run.id)
                    & (ScheduledRun.enqueued_at == run.enqueued_at)
                    & (ScheduledRun.status == ENQUEUED)
                )
                .execute()
            )
            if won:
                log.warning("scheduler: run %s of %s lost its job; enqueued again", run.id, run.job)
                _enqueue(run)
        elif run.status == RUNNING and status != "started":
            ScheduledRun.update(
                status=LOST, finished_at=now, outcome="the worker stopped while running"
            ).where((ScheduledRun.id == run.id) & (ScheduledRun.status == RUNNING)).execute()


def _import(func_path):
    module, _, name = func_path.partition(":")
    return getattr(importlib.import_module(module), name)


def _describe(result):
    """A result as one line of the worker's console (English, for whoever runs the worker)."""
    if result is None:
        return ""
    if isinstance(result, dict):
        return ", ".join(f"{key}: {value}" for key, value in result.items())
    return str(result)


def stored_outcome(result):
    """A result as the run's stored outcome: counts and dicts of counts as JSON (structured
    data, told as sentences in the reader's language by ``intranet.notify.labels.describe``),
    text as it is. Rows stored before as ``key: value, ...`` are still read back."""
    if result is None:
        return ""
    if isinstance(result, dict | list | int | float):
        return json.dumps(result, ensure_ascii=False, default=str)
    return str(result)


def did_something(result):
    """Whether a job's result reports work done: a nonzero count, a dict with a nonzero count
    among its values (dates and names alone are not work), a non-empty text."""
    if result is None or isinstance(result, bool):
        return bool(result)
    if isinstance(result, int | float):
        return result != 0
    if isinstance(result, dict):
        return any(
            isinstance(v, int | float) and not isinstance(v, bool) and v != 0
            for v in result.values()
        )
    return bool(result)


def takes_as_of(func):
    try:
        return "as_of" in inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False


def call_job(func, slot):
    """Call a periodic job, with its slot's time if it declares ``as_of``."""
    return func(as_of=slot) if takes_as_of(func) else func()


def execute_run(run_id):
    """Run one slot (the RQ job). Idempotent: a run already started or done is not run again."""
    now = utcnow()
    worker = f"{socket.gethostname()}:{os.getpid()}"[:120]
    claimed = (
        ScheduledRun.update(status=RUNNING, started_at=now, worker=worker)
        .where((ScheduledRun.id == run_id) & (ScheduledRun.status == ENQUEUED))
        .execute()
    )
    if not claimed:
        return "already handled"
    run = ScheduledRun.get_by_id(run_id)
    jobs = load_job_modules()
    job = jobs.get(run.job)
    if job is None:
        status, outcome = FAILED, f"no periodic job named {run.job}"
    else:
        try:
            result = call_job(_import(job.func_path), run.slot)
            status, outcome = OK, stored_outcome(result)
            if did_something(result):
                log.info("%s: %s", run.job, _describe(result) or "done")
            else:
                log.debug("%s: nothing to do (%s)", run.job, _describe(result))
        except Exception as exc:
            log.exception("periodic job %s failed", run.job)
            status = FAILED
            outcome = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    ScheduledRun.update(status=status, finished_at=utcnow(), outcome=outcome[:2000]).where(
        ScheduledRun.id == run_id
    ).execute()
    return f"{run.job}: {status}"


def run_forever(app, tick_seconds=5.0, every_overrides=None, parent_pid=None, stop=None):
    """The periodic runner's loop. ``worker.py`` runs it in a forked process of its own (the RQ
    worker's main process stays single-threaded, so its work horses fork cleanly); it ends with
    its parent."""
    stop = stop or threading.Event()
    with app.app_context():
        jobs = load_job_modules()
        log.info("periodic runner: %s", ", ".join(sorted(jobs)) or "no jobs")
        while not stop.is_set():
            if parent_pid is not None and os.getppid() != parent_pid:
                log.info("periodic runner: worker gone, stopping")
                return
            try:
                with db.connection_context():
                    tick(jobs=jobs, every_overrides=every_overrides)
            except Exception:
                log.exception("periodic runner: tick failed")
            stop.wait(tick_seconds)


def start_process(app, tick_seconds=5.0, every_overrides=None):
    import multiprocessing
    import signal

    parent = os.getpid()

    def target():
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        run_forever(app, tick_seconds, every_overrides, parent_pid=parent, stop=stop)

    process = multiprocessing.get_context("fork").Process(
        target=target, name="periodic-runner", daemon=True
    )
    process.start()
    return process


def schedule_description(job: PeriodicJob):
    if job.every_seconds:
        return job.every_seconds, None
    return None, job.daily_at


# ----- RQ entry point and housekeeping ------------------------------------------------------------


def run_periodic(run_id):
    """Run one slot of a periodic job (the RQ job the runner enqueues)."""
    with job_connection():
        return execute_run(run_id)


RUN_HISTORY_DAYS = 30


@periodic("notify.purge_run_history", daily_at="02:30")
def purge_run_history(as_of=None):
    """Scheduler runs are kept 30 days (the reconciler alone records 1,440 runs a day), counted
    back from the slot's time. Nothing deleted: no outcome."""
    cutoff = (as_of or utcnow()) - dt.timedelta(days=RUN_HISTORY_DAYS)
    deleted = ScheduledRun.delete().where(ScheduledRun.slot < cutoff).execute()
    if not deleted:
        return None
    return {"deleted": deleted, "days": RUN_HISTORY_DAYS}
