"""RQ worker with the scheduler, running inside the intranet's app context.

    python worker.py [--burst] [--tick SECONDS] [--every NAME=SECONDS ...] [--log-level LEVEL]
                     [queue ...]

Jobs carry row ids only and open their own database connection (``intranet.scheduling``).
Besides RQ's own scheduler (``enqueue_at``/``enqueue_in``), each worker runs the periodic-job
runner (intranet.jobs.scheduler): the ``@periodic`` registry, each slot started once however
many workers run, each run recorded for admins. ``--every`` overrides a job's interval (tests,
demos); ``--no-periodic`` leaves the periodic jobs to other workers.

The console (``./run`` shows it beside the web server's) gets one line per job that did
something ("outbox: sent 3", "anggrek.close_day: counters_closed: 1, ..."), and nothing for a
job that found nothing to do (the reconciler's every minute). RQ's own lines - four for every
job: taken, OK, completed, result kept - are DEBUG. ``LOG_LEVEL`` (or ``--log-level``) sets the
level: ``DEBUG`` shows them all, ``WARNING`` only problems.
"""

import argparse
import logging
import os
import sys
import threading

from rq import Worker
from rq.serializers import JSONSerializer

from intranet import create_app
from intranet.extensions import db, get_redis


def _forget_inherited_connections():
    """In a forked work horse: drop the parent's database connections without closing them
    (they belong to the parent; a pooled PostgreSQL socket must never be shared)."""
    database = db.obj
    if database is None:
        return
    database._lock = threading.RLock()
    database._state.reset()
    if hasattr(database, "_connections"):  # playhouse.pool
        database._connections = []
        database._in_use = {}


RQ_LOGGERS = ("rq.worker", "rq.job", "rq.scheduler", "rq.queue")


def configure_logging(level_name):
    """The worker's log level (``LOG_LEVEL``); returns the level for RQ's loggers: RQ writes its
    per-job bookkeeping at INFO, so below DEBUG only its warnings and errors are kept."""
    level = logging.getLevelName(str(level_name).strip().upper())
    if not isinstance(level, int):
        raise SystemExit(f"LOG_LEVEL: unknown level {level_name!r} (DEBUG, INFO, WARNING, ERROR)")
    logging.getLogger().setLevel(level)
    rq_level = level if level <= logging.DEBUG else max(level, logging.WARNING)
    for name in RQ_LOGGERS:
        logging.getLogger(name).setLevel(rq_level)
    return rq_level


def _warm_up():
    """Work every job would otherwise repeat in its forked horse (e-mail templates, catalogs),
    done once here and inherited. A failure only costs that speed: the horses do it again."""
    try:
        from intranet.notify.warmup import warm_up

        warm_up()
    except Exception:
        logging.getLogger(__name__).exception("worker: warming up failed")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("queues", nargs="*")
    parser.add_argument("--burst", action="store_true", help="stop when the queues are empty")
    parser.add_argument("--tick", type=float, default=5.0, help="periodic runner tick (s)")
    parser.add_argument(
        "--every",
        action="append",
        default=[],
        metavar="NAME=SECONDS",
        help="run the periodic job NAME every SECONDS instead of its own schedule",
    )
    parser.add_argument("--no-periodic", action="store_true", help="do not run periodic jobs")
    parser.add_argument(
        "--log-level",
        default=os.environ.get("LOG_LEVEL", "INFO"),
        help="DEBUG, INFO (default; or the LOG_LEVEL variable), WARNING or ERROR",
    )
    args = parser.parse_args(argv)
    overrides = {}
    for item in args.every:
        name, _, seconds = item.partition("=")
        overrides[name] = int(seconds)
    app = create_app()
    rq_level = configure_logging(args.log_level)
    os.register_at_fork(after_in_child=_forget_inherited_connections)
    with app.app_context():
        from intranet.scheduling import load_job_modules

        connection = get_redis()
        queues = args.queues or [app.config["RQ_QUEUE"]]
        load_job_modules()
        _warm_up()
        runner = None
        if not args.no_periodic and not args.burst:
            from intranet.jobs.scheduler import start_process

            runner = start_process(app, tick_seconds=args.tick, every_overrides=overrides)
        worker = Worker(queues, connection=connection, serializer=JSONSerializer)
        logging.getLogger("worker").info(
            "pid %d, listening on %s%s",
            os.getpid(),
            ", ".join(queues),
            "" if runner is not None else " (no periodic jobs)",
        )
        try:
            worker.work(with_scheduler=True, burst=args.burst, logging_level=rq_level)
        finally:
            if runner is not None and runner.is_alive():
                runner.terminate()
                runner.join(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
