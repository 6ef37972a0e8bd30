"""Si Anggrek fixtures: the traffic section, counters, officers and a settable clock."""

import datetime as dt

import pytest

# 27 November 2026, 08:00 WIB (01:00 UTC): the office opens.
T0 = dt.datetime(2026, 11, 27, 1, 0, 0)


def at(minutes=0, seconds=0):
    """T0 + the given minutes and seconds (naive UTC)."""
    return T0 + dt.timedelta(minutes=minutes, seconds=seconds)


class Clock:
    """The office's clock, held still by the test and moved explicitly (time is outside the
    office's control; every step's timestamp comes from intranet.anggrek.clock.now)."""

    def __init__(self, start):
        self.current = start

    def __call__(self):
        return self.current

    def set(self, when):
        self.current = when

    def advance(self, minutes=0, seconds=0):
        self.current += dt.timedelta(minutes=minutes, seconds=seconds)
        return self.current


@pytest.fixture
def clock(monkeypatch):
    from intranet.anggrek import clock as clock_module

    c = Clock(T0)
    monkeypatch.setattr(clock_module, "now", c)
    return c


@pytest.fixture
def lantas(app_ctx):
    from intranet.people.models import Unit

    return Unit.create(code="LANTASKIM", name="Seksi Lalu Lintas Keimigrasian")


@pytest.fixture
def make_counter(app_ctx, lantas):
    from intranet.anggrek import services

    seq = {"n": 0}

    def factory(code=None, name=None):
        seq["n"] += 1
        n = seq["n"]
        return services.create_counter(
            code=code or f"L{n:02d}", name=name or f"Loket {n}", unit=lantas
        )

    return factory


@pytest.fixture
def supervisor(make_user, lantas):
    return make_user("atasan", name="Kepala Seksi Lantaskim", email="kasi@test.local", unit=lantas)


@pytest.fixture
def make_officer(make_user, lantas, supervisor):
    def factory(name=None, **kw):
        return make_user("loket", name=name, unit=lantas, supervisor=supervisor, **kw)

    return factory
