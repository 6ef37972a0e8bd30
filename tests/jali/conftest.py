"""Si Jali fixtures: a front-desk account, valid identity numbers, a registration helper."""

import datetime as dt

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


@pytest.fixture
def owl_registry(app_ctx):
    """Si Owl's registry, written through Si Owl's own models: ``add(passport, expiry=...)``
    registers a foreigner with an active stay permit (and, if asked, an extension application in
    process); Si Jali reads it through ``intranet.owl.services.lookup_passport``."""
    from intranet.owl.models import Application, Foreigner, Permit, normalize_passport

    made = []

    def add(
        passport,
        *,
        expiry,
        name="John Smith",
        nationality="AU",
        permit_type="ITAS",
        extension=False,
    ):
        n = len(made) + 1
        foreigner = Foreigner.create(
            name=name,
            passport_number=passport,
            passport_key=normalize_passport(passport),
            passport_country=nationality,
            nationality=nationality,
            language="en",
            email=f"foreigner{n}@mail.example",
        )
        permit = Permit.create(
            foreigner=foreigner,
            permit_type=permit_type,
            subtype="work",
            permit_number=f"2C21AB00{n:02d}-W",
            registration_number=f"REG{n:08d}",
            issue_date=expiry - dt.timedelta(days=365),
            expiry_date=expiry,
            duration_days=365,
            status="active",
        )
        if extension:
            Application.create(
                number=f"JKP-EXT-{n:04d}",
                foreigner=foreigner,
                permit=permit,
                kind="extension",
                requested_type=permit_type,
                status="in_process",
                received_on=expiry - dt.timedelta(days=20),
            )
        made.append((foreigner, permit))
        return foreigner, permit

    return add


@pytest.fixture
def req_ctx(app_ctx):
    """A request context (English), where lazy messages and url_for work as in a view."""
    with app_ctx.test_request_context(headers={"Cookie": "lang=en"}):
        yield app_ctx
