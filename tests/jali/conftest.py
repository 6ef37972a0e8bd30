"""Si Jali fixtures: a front-desk account, valid identity numbers, a registration helper."""

import datetime as dt
from dataclasses import dataclass

import pytest

# Fixed "today" of the suite (DESIGN: 2026-11-27); 03:00 UTC is 10:00 WIB.
TODAY = dt.date(2026, 11, 27)
MORNING = dt.datetime(2026, 11, 27, 3, 0)

VALID_NIK = "3171014508900001"  # DKI Jakarta, born 5 Aug 1990, female (45 = 5 + 40)
VALID_NIK_MALE = "3273010101850002"  # Jawa Barat, born 1 Jan 1985


@pytest.fixture
def desk(make_user):
    return make_user(
        "resepsionis", name="Sari Resepsionis", email="desk@kanim.example", language="en"
    )


@pytest.fixture
def desk_client(app, client, desk, login_as):
    login_as(desk, client)
    return client


def visit_form(category="wni", **overrides):
    """A complete, valid registration form for a category."""
    from intranet.jali.settings import DEFAULT_PURPOSES

    base = {
        "wni": {"id_number": VALID_NIK, "name": "Dewi Lestari"},
        "wna": {"id_number": "E1234567", "nationality": "AU", "name": "John Smith"},
        "official": {"name": "Budi Santoso", "institution": "Polda Metro Jaya"},
    }[category]
    data = {"category": category, "purpose": DEFAULT_PURPOSES[category][0], "phone": "", **base}
    data.update(overrides)
    return data


@dataclass(frozen=True)
class FakePassportStatus:
    """The shape of Si Owl's PassportStatus (intranet.owl.services), for the seam tests."""

    foreigner_id: int
    name: str
    nationality: str
    passport_number: str
    permit_id: int | None
    permit_type: str | None
    permit_number: str | None
    expiry_date: dt.date | None
    expired: bool
    days_overstayed: int
    extension_in_process: bool


@pytest.fixture
def fake_owl(monkeypatch):
    """Si Owl's registry stands in through the seam (intranet.jali.permits._owl_lookup) while
    Si Owl is not part of this branch: ``registry`` maps passport -> status; ``calls`` records
    the look-ups."""
    from types import SimpleNamespace

    from intranet.jali import permits

    owl = SimpleNamespace(registry={}, calls=[])

    def lookup_passport(passport_number, today=None):
        owl.calls.append((passport_number, today))
        return owl.registry.get(passport_number)

    monkeypatch.setattr(permits, "_owl_lookup", lambda: lookup_passport)
    return owl


def expired_status(passport="E1234567", days=12, extension=False):
    return FakePassportStatus(
        foreigner_id=41,
        name="John Smith",
        nationality="AU",
        passport_number=passport,
        permit_id=7,
        permit_type="ITAS",
        permit_number="2C21AB0042-W",
        expiry_date=TODAY - dt.timedelta(days=days),
        expired=True,
        days_overstayed=days,
        extension_in_process=extension,
    )


def valid_status(passport="E1234567"):
    return FakePassportStatus(
        foreigner_id=42,
        name="John Smith",
        nationality="AU",
        passport_number=passport,
        permit_id=8,
        permit_type="ITAS",
        permit_number="2C21AB0043-W",
        expiry_date=TODAY + dt.timedelta(days=200),
        expired=False,
        days_overstayed=0,
        extension_in_process=False,
    )


@pytest.fixture
def req_ctx(app_ctx):
    """A request context (English), where lazy messages and url_for work as in a view."""
    with app_ctx.test_request_context(headers={"Cookie": "lang=en"}):
        yield app_ctx
