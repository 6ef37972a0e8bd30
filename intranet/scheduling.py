"""Registry of periodic jobs. Features append (name, interval_seconds, "module:function").

The outbox issue turns this into recorded, de-duplicated runs; until then it only holds the list.
"""

PERIODIC_JOBS = []


def register_schedules(app, connection):
    return list(PERIODIC_JOBS)
