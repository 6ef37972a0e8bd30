"""Registry of periodic jobs (DESIGN §4 "Scheduler").

A feature declares its periodic jobs in its ``jobs.py`` with the decorator, and names that module
in its declaration (``Feature(jobs=...)``, ``intranet/features.py``):

    from ..scheduling import periodic

    @periodic("owl.permit_scan", daily_at="06:00")       # WIB wall-clock time
    def permit_scan(as_of=None): ...

    @periodic("notify.reconcile", every_seconds=60)
    def reconcile(): ...

A job that depends on the time declares ``as_of``: the runner passes the time of the slot being
run (naive UTC; the instant it was scheduled for, e.g. 17:30 WIB of that day), and the job acts
as of then, never as of the moment it happens to run. A worker down at 17:30 that starts the
next morning runs the evening's slot late: it must close that evening, not the morning.
Called without it (tests, the CLI), ``as_of`` is now. Every daily job declares it
(tests/notify/test_scheduler.py checks); the reconcilers that run every few seconds and repair
the present state (``notify.reconcile``, ``emak.complete_runs``) do not.

``worker.py`` imports JOB_MODULES and hands the registry to the scheduler runner
(``intranet.jobs.scheduler``), which records each run and makes sure two workers never run the
same slot twice.
Every periodic job must be idempotent: running it twice changes nothing.

A job runs with a database connection of its own (``job_connection``): ``@periodic`` opens it
around the function; any other RQ entry point (a send batch, a pay run) says
``with job_connection():``.
"""

import contextlib
import functools
import importlib
from dataclasses import dataclass

from .extensions import db
from .features import modules

# The modules holding @periodic jobs: what each feature declares (intranet/features.py).
JOB_MODULES = modules("jobs")


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func_path: str  # "module:function", importable by RQ
    every_seconds: int | None = None
    daily_at: str | None = None  # "HH:MM" in Asia/Jakarta


PERIODIC_JOBS: dict[str, PeriodicJob] = {}


@contextlib.contextmanager
def job_connection():
    """A database connection for a job: opened (and closed after) when the worker has none,
    the caller's own when there is one (tests run jobs in-process, inside a request or a
    transaction)."""
    opened = db.is_closed()
    if opened:
        db.connect()
    try:
        yield
    finally:
        if opened and not db.is_closed():
            db.close()


def periodic(name, *, every_seconds=None, daily_at=None):
    if (every_seconds is None) == (daily_at is None):
        raise ValueError("give exactly one of every_seconds or daily_at")

    def decorator(func):
        @functools.wraps(func)
        def run(*args, **kwargs):
            with job_connection():
                return func(*args, **kwargs)

        PERIODIC_JOBS[name] = PeriodicJob(
            name=name,
            func_path=f"{func.__module__}:{func.__name__}",
            every_seconds=every_seconds,
            daily_at=daily_at,
        )
        return run

    return decorator


def load_job_modules():
    for module in JOB_MODULES:
        importlib.import_module(module)
    return dict(PERIODIC_JOBS)
