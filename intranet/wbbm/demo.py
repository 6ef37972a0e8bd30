"""WBBM's demo: the roll-ups of the demo office's last 400 days (its services' demo data are
loaded before this one), as the periodic job would have kept them."""

import datetime as dt


def load(fake, accounts):
    from ..anggrek import clock
    from .rollup import LOOKBACK_DAYS, rebuild

    today = clock.today()
    rebuild(today - dt.timedelta(days=LOOKBACK_DAYS - 1), today)
