"""WBBM's periodic jobs: keep the roll-ups up to date (ids and dates only, idempotent)."""

from ..scheduling import periodic


@periodic("wbbm.rollup", every_seconds=900)
def rollup(as_of=None):
    """Every quarter of an hour: recompute the last seven days of every service (today's figures
    stay fresh) and every older day whose sources changed since it was rolled up. Running it
    twice leaves the same tables."""
    from .rollup import refresh

    return sum(refresh(as_of).values())  # (day, service) pairs written
