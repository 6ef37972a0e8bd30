"""RQ worker with the scheduler, running inside the intranet's app context.

    python worker.py [--burst] [queue ...]

Jobs carry row ids only and open their own database connection (see intranet.notify.jobs).
"""

import argparse
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("queues", nargs="*")
    parser.add_argument("--burst", action="store_true", help="stop when the queues are empty")
    args = parser.parse_args(argv)
    app = create_app()
    os.register_at_fork(after_in_child=_forget_inherited_connections)
    with app.app_context():
        from intranet.scheduling import load_job_modules

        connection = get_redis()
        queues = args.queues or [app.config["RQ_QUEUE"]]
        load_job_modules()
        worker = Worker(queues, connection=connection, serializer=JSONSerializer)
        worker.work(with_scheduler=True, burst=args.burst)
    return 0


if __name__ == "__main__":
    sys.exit(main())
