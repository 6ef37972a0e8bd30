"""Si Owl fixtures: foreigners, permits and applications with a fixed "today"."""

import datetime as dt
import itertools

import pytest

TODAY = dt.date(2026, 11, 27)

_seq = itertools.count(1)


@pytest.fixture
def today():
    return TODAY


@pytest.fixture
def make_foreigner(app_ctx):
    from intranet.owl.models import Foreigner, normalize_passport

    def factory(**fields):
        n = next(_seq)
        passport = fields.pop("passport_number", f"X{n:08d}")
        data = dict(
            name=f"Foreigner {n}",
            passport_number=passport,
            passport_key=normalize_passport(passport),
            passport_country="AU",
            nationality="AU",
            email=f"foreigner{n}@mail.example",
            language="en",
            sponsor_name="PT Sponsor",
            sponsor_email=f"hr{n}@sponsor.example",
        )
        data.update(fields)
        return Foreigner.create(**data)

    return factory


@pytest.fixture
def make_permit(app_ctx, make_foreigner):
    from intranet.owl.models import Permit

    def factory(
        foreigner=None,
        *,
        days_left=None,
        expiry=None,
        valid_days=365,
        ptype="ITAS",
        status="active",
        today=TODAY,
        **fields,
    ):
        foreigner = foreigner or make_foreigner()
        if expiry is None:
            expiry = today + dt.timedelta(days=days_left)
        issue = fields.pop("issue_date", expiry - dt.timedelta(days=valid_days))
        n = next(_seq)
        return Permit.create(
            foreigner=foreigner,
            permit_type=ptype,
            subtype=fields.pop("subtype", "work"),
            permit_number=fields.pop("permit_number", f"2C26TS{n:07d}"),
            registration_number=fields.pop("registration_number", f"REG{n:08d}"),
            issue_date=issue,
            expiry_date=expiry,
            duration_days=(expiry - issue).days,
            status=status,
            **fields,
        )

    return factory


@pytest.fixture
def make_application(app_ctx):
    from intranet.owl.services import applications

    def factory(foreigner, kind="extension", requested_type="ITAS", received_on=TODAY, **kw):
        return applications.receive_application(
            foreigner, kind=kind, requested_type=requested_type, received_on=received_on, **kw
        )

    return factory


@pytest.fixture
def owl_officer(make_user):
    return make_user("izin_tinggal", name="Petugas Izin Tinggal")


@pytest.fixture
def intel_officer(make_user):
    return make_user("inteldakim", name="Petugas Inteldakim", email="intel@kanim.example")
