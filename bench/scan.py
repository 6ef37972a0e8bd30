"""Daily permit scan benchmark (DESIGN §7): the scan's time against the bare SQL that selects the
same due (permit, lead time) pairs, over 1,000,000 permits (--quick: 100,000), in the same run.

    .venv/bin/python -m bench.scan [--quick] [--size N] [--database-url postgresql://...]

A fresh SQLite database in a temp directory (or DATABASE_URL / --database-url: PostgreSQL, wiped).
The register is brought to a steady state first: the scan runs (untimed) for the previous day, as
it would have every morning. Then, for the fixed "today" 2026-11-27:

- bare SQL: the due pairs selected with one statement on a raw cursor (median of 3 runs);
- the scan: ``intranet.owl.services.run_permit_scan`` — the same selection with the columns the
  e-mails need, the warning rows and their outbox rows written in one transaction, the send jobs
  enqueued to Redis after the commit (no worker runs: sending is notify's benchmark).

Prints both times, the number of warnings, and ``RESULT scan_ratio <scan/bare> target <= 2``.
"""

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import time

from bench.common import bench_environment, result

TODAY = dt.date(2026, 11, 27)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="100,000 permits")
    parser.add_argument("--size", type=int, default=None, help="number of permits")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (will be wiped)")
    parser.add_argument("--keep", action="store_true", help="keep the temp directory")
    args = parser.parse_args(argv)
    size = args.size or (100_000 if args.quick else 1_000_000)
    database_url = args.database_url or os.environ.get("DATABASE_URL")

    tmp, env, redis_server = bench_environment("bench-scan-", database_url)

    from bench.pagesets.owl import bulk_permits
    from intranet import create_app
    from intranet.cli import upgrade
    from intranet.extensions import db, get_redis, is_sqlite
    from intranet.owl import services
    from intranet.owl.models import PermitWarning

    app = create_app("development")
    ok = True
    try:
        with app.app_context():
            if database_url:
                with db.connection_context():
                    db.execute_sql("DROP SCHEMA public CASCADE")
                    db.execute_sql("CREATE SCHEMA public")
            upgrade()
            with db.connection_context():
                t0 = time.monotonic()
                bulk_permits(size, today=TODAY)
                print(f"# populated {size:,} permits in {time.monotonic() - t0:.1f}s", flush=True)
                db.execute_sql("ANALYZE")
                t0 = time.monotonic()
                warmup = services.run_permit_scan(TODAY - dt.timedelta(days=1))
                print(
                    f"# steady state: yesterday's scan queued {warmup.queued:,} warnings "
                    f"in {time.monotonic() - t0:.2f}s",
                    flush=True,
                )
                get_redis().flushdb()  # no worker in this benchmark: drop yesterday's jobs
                if is_sqlite():
                    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                db.execute_sql("ANALYZE")

                sql, params = services.due_sql(TODAY)
                bare_times, pairs = [], 0
                for _ in range(4):  # the first run warms the cache and is not counted
                    t0 = time.perf_counter()
                    cursor = db.execute_sql(sql, params)
                    pairs = len(cursor.fetchall())
                    bare_times.append(time.perf_counter() - t0)
                bare = statistics.median(bare_times[1:])
                print(f"# bare SQL: {pairs:,} due pairs in {bare * 1000:.1f} ms", flush=True)

                t0 = time.perf_counter()
                scan = services.run_permit_scan(TODAY)
                scan_time = time.perf_counter() - t0
                print(
                    f"# scan: {scan.queued:,} warnings written with their outbox rows "
                    f"in {scan_time * 1000:.1f} ms",
                    flush=True,
                )
                written = PermitWarning.select().where(PermitWarning.batch == scan.batch).count()
                if scan.due != pairs or scan.queued != pairs or written != pairs:
                    print(f"# MISMATCH: scan {scan.queued}, rows {written}, bare {pairs}")
                    ok = False
                again = services.run_permit_scan(TODAY)
                print(f"# second scan the same day queued {again.queued} (idempotent)")
                ok &= again.queued == 0
        ratio = scan_time / bare if bare else float("inf")
        print(f"# bare_ms {bare * 1000:.1f} scan_ms {scan_time * 1000:.1f}")
        ok &= result("scan_ratio", ratio, "<=", 2)
    finally:
        if redis_server is not None:
            redis_server.shutdown()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
