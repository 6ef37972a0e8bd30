"""The head's WBBM dashboard (month and year) over a year of data at the sizes of DESIGN §7:
1,000,000 service events, 200,000 WFH deliverables, 1,000,000 permits (``size`` scales them:
--quick divides by 10).

The page sets run in name order, so Si Anggrek's, Si Cempaka's and Si Owl's have filled their
tables when they run with this one; a service whose table is still empty (``--only wbbm``) is
filled here with that service's own bulk loader at this page set's size. Then the roll-ups of
the last 366 days are built, as the periodic job (or ``flask wbbm rollup``) keeps them: the
dashboard reads only those.
"""

import datetime as dt
import importlib
import time

SIZES = {"anggrek": 1_000_000, "cempaka": 200_000, "owl": 1_000_000}


def seed_year(size, people):
    """Fill the services' tables that are still empty, at ``size / 1,000,000`` of §7's sizes."""
    from intranet.anggrek.models import ServiceEvent
    from intranet.cempaka.models import Submission
    from intranet.owl.models import Permit

    for name, model in (("anggrek", ServiceEvent), ("cempaka", Submission), ("owl", Permit)):
        if model.select().limit(1).count() == 0:
            rows = max(1_000, SIZES[name] * size // 1_000_000)
            t0 = time.monotonic()
            importlib.import_module(f"bench.pagesets.{name}").populate(rows, people)
            print(f"# wbbm: {name} seeded with {rows:,} rows in {time.monotonic() - t0:.1f}s")


def roll_up_year():
    from intranet.anggrek import clock
    from intranet.wbbm.rollup import rebuild

    today = clock.today()
    t0 = time.monotonic()
    rebuild(today - dt.timedelta(days=365), today)
    seconds = time.monotonic() - t0
    print(f"# wbbm: roll-ups of 366 days built in {seconds:.1f}s", flush=True)
    return seconds


def populate(size, people):
    seed_year(size, people)
    roll_up_year()
    return [
        ("wbbm_dashboard_month", "/wbbm/?period=month", "kepala"),
        ("wbbm_dashboard_year", "/wbbm/?period=year", "kepala"),
    ]
