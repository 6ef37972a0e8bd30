"""Every Si Owl page renders for every role it admits, over the demo data (real ids), in both
languages; other roles are refused."""

import datetime as dt

import pytest

from intranet.owl import dates, demo
from intranet.owl.models import Application, Disruption, Foreigner, OverstayCase, Permit
from tests.conftest import seeded_faker

ROLES = ("izin_tinggal", "inteldakim", "kepala", "admin")


@pytest.fixture
def demo_data(app_ctx, make_user):
    users = {role: make_user(role, name=f"Demo {role}") for role in ROLES}
    demo.load(seeded_faker(), users, count=80, seed=11, today=dates.wib_today())
    return users


def _pages():
    foreigner = Foreigner.select().join(Permit, on=(Permit.foreigner == Foreigner.id)).first()
    application = Application.select().where(Application.status == "in_process").first()
    decided = Application.select().where(Application.status == "completed").first()
    case = OverstayCase.select().first()
    permit = Permit.select().first()
    notice = Disruption.select().first()
    assert all([foreigner, application, decided, case, permit, notice])
    return {
        "/owl/": ROLES,
        "/owl/permits": ("izin_tinggal", "kepala"),
        "/owl/permits?state=expired&type=ITAS": ("izin_tinggal", "kepala"),
        "/owl/foreigners": ("izin_tinggal", "kepala"),
        f"/owl/foreigners/{foreigner.id}": ("izin_tinggal", "kepala"),
        f"/owl/foreigners/{foreigner.id}/edit": ("izin_tinggal",),
        f"/owl/foreigners/{foreigner.id}/permits/new": ("izin_tinggal",),
        f"/owl/foreigners/{foreigner.id}/applications/new": ("izin_tinggal",),
        "/owl/foreigners/new": ("izin_tinggal",),
        f"/owl/permits/{permit.id}/edit": ("izin_tinggal",),
        "/owl/applications": ("izin_tinggal", "kepala"),
        "/owl/applications?status=all": ("izin_tinggal", "kepala"),
        f"/owl/applications/{application.id}": ("izin_tinggal", "kepala"),
        f"/owl/applications/{decided.id}": ("izin_tinggal", "kepala"),
        "/owl/overstay": ("inteldakim", "kepala"),
        "/owl/overstay?show=closed": ("inteldakim", "kepala"),
        f"/owl/overstay/{case.id}": ("inteldakim", "kepala"),
        "/owl/compliance": ("izin_tinggal", "inteldakim", "kepala"),
        "/owl/disruptions": ("admin",),
        "/owl/disruptions/new": ("admin",),
        "/owl/settings": ("admin",),
    }


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_page_renders_for_its_roles(demo_data, client, login_as, language):
    pages = _pages()
    for role, user in demo_data.items():
        user.language = language
        user.save()
        login_as(user)
        for path, admitted in pages.items():
            response = client.get(path)
            expected = 200 if role in admitted else 403
            assert response.status_code == expected, f"{path} as {role}: {response.status_code}"
        for path in ("/owl/status", f"/owl/api/status?application=x&passport=y&lang={language}"):
            assert client.get(path).status_code in (200, 404)


def test_demo_spread(demo_data):
    today = dates.wib_today()
    expiries = [p.expiry_date for p in Permit.select().where(Permit.status == "active")]
    assert min(expiries) < today < max(expiries)
    assert any(today <= e <= today + dt.timedelta(days=60) for e in expiries)
    assert any(e > today + dt.timedelta(days=365) for e in expiries)
