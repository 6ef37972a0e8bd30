"""WBBM evidence report benchmark (issue 17): the report of a whole year built from the roll-ups
(the figures of every area and the XLSX workbook) over a year of data at the sizes of DESIGN §7
(1,000,000 service events, 200,000 WFH deliverables, 1,000,000 permits; --quick: a tenth).

    .venv/bin/python -m bench.evidence [--quick] [--size N] [--database-url postgresql://...]

A fresh database (SQLite in a temp directory, or PostgreSQL: wiped) is filled with the services'
bulk loaders (bench/pagesets) and the roll-ups of the last 366 days are built (timed apart: the
periodic job's work, not the report's). The report is then built three times with the figures'
cache emptied each time; the median is the figure:
``RESULT evidence_year_seconds <s> target <= 5``.
"""

import argparse
import os
import shutil
import statistics
import sys
import time

from bench.common import bench_environment, result


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    parser.add_argument("--size", type=int, default=None, help="service events (scales all)")
    parser.add_argument("--staff", type=int, default=None)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (will be wiped)")
    parser.add_argument("--keep", action="store_true", help="keep the temp directory")
    args = parser.parse_args(argv)
    size = args.size or (100_000 if args.quick else 1_000_000)
    staff = args.staff or (1_000 if args.quick else 10_000)
    database_url = args.database_url or os.environ.get("DATABASE_URL")
    tmp, _env, redis_server = bench_environment("bench-evidence-", database_url)

    from bench.pages import build_people
    from bench.pagesets.wbbm import roll_up_year, seed_year
    from intranet import create_app
    from intranet.anggrek import clock
    from intranet.cli import upgrade
    from intranet.extensions import db
    from intranet.wbbm import evidence, figures

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
                people = build_people(staff)
                seed_year(size, people)
                db.execute_sql("ANALYZE")
                roll_up_year()
            year = figures.period_of("year", clock.today())
            times = []
            # the report is built as a request builds it (Babel needs a request's locale)
            with app.test_request_context("/wbbm/evidence?period=year"), db.connection_context():
                for _ in range(3):
                    figures.clear_cache()
                    t0 = time.perf_counter()
                    report = figures.build(year, with_trend=False)
                    body = evidence.workbook(report, app.config.get("OFFICE_NAME", ""))
                    times.append(time.perf_counter() - t0)
                served = report.value("anggrek.served")
            print(
                f"# evidence report of {year.label}: {len(report.results)} figures, "
                f"{len(body):,} bytes of XLSX, tickets served {served:,.0f}; runs "
                + ", ".join(f"{t:.2f}s" for t in times),
                flush=True,
            )
        ok &= result("evidence_year_seconds", statistics.median(times), "<=", 5)
    finally:
        if redis_server is not None:
            redis_server.shutdown()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
