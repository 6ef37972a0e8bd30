"""Roles, and the codes an audit entry's detail holds, are shown as words (issue 17): never
``izin_tinggal`` in a badge, ``cempaka.digest`` or ``all`` in the audit log, in either language.

The role walk (tests/core/test_role_walk.py) opens the navigation of the demo accounts, each
holding one role, over the demo data; here one user holds every role and the audit log holds the
entries whose details carry codes the demo office does not produce (a role change, a viewed
e-mail, a listing of every report, a foreign visitor, a check-out by QR code)."""

import pytest

from intranet.people.roles import ROLE_LABELS, ROLES
from tests.core.test_role_walk import code_problems, page_text

CODES_AS_TEXT = {
    "all",
    "wna",
    "wni",
    "official",
    "qr",
    "desk",
    "sweep",
    "valid",
    "expired",
    "not_found",
    "unavailable",
    *ROLES,
}


def _problems(html):
    parts, _links = page_text(html)
    found = code_problems(parts)
    found += [f"code {p.strip()!r}" for p in parts if p.strip() in CODES_AS_TEXT]
    for part in parts:  # an audit detail line is "label: value"
        _label, sep, value = part.partition(": ")
        if sep and value.strip() in CODES_AS_TEXT:
            found.append(f"code {value.strip()!r} in {part!r}")
    return found


@pytest.fixture
def everyone(make_user):
    """An admin, and a user holding every role (named so the name holds no role word)."""
    admin = make_user("admin", name="Ratna Sari")
    holder = make_user(*ROLES, name="Bambang Wibowo", email="bambang@kanim.example")
    return admin, holder


@pytest.mark.parametrize("language", ["id", "en"])
def test_user_pages_show_role_names(client, everyone, login_as, language):
    admin, holder = everyone
    login_as(admin)
    client.set_cookie("lang", language)
    from intranet.people.models import User

    User.update(language=language).execute()
    problems = []
    for url in ("/admin/users/", f"/admin/users/?q={holder.nip}", f"/admin/users/{holder.id}"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        problems += [f"{url}: {p}" for p in _problems(html)]
        if url.startswith("/admin/users/?"):
            # the list's badges are every role's label, in the reader's language
            from flask_babel import force_locale

            with client.app.test_request_context("/"), force_locale(language):
                labels = [str(ROLE_LABELS[r]) for r in ROLES]
            parts, _links = page_text(html)
            assert all(label in parts for label in labels), (labels, parts)
    login_as(holder)
    response = client.get("/home")
    problems += [f"/home (every role): {p}" for p in _problems(response.get_data(as_text=True))]
    assert problems == []


def _coded_entries(admin, holder):
    """Audit entries whose details hold codes, recorded as the services record them."""
    from intranet.audit.services import record
    from intranet.extensions import transaction

    with transaction():
        record(
            "user.roles_changed",
            holder,
            actor=admin,
            detail={"nip": holder.nip, "roles": list(ROLES)},
        )
        record(
            "notify.message_viewed",
            object_type="OutboxMessage",
            object_id=1,
            actor=admin,
            detail={"kind": "cempaka.digest"},
        )
        record(
            "notify.dead_retried",
            object_type="Outbox",
            object_id=0,
            actor=admin,
            detail={"kind": "owl.permit_warning", "count": 3},
        )
        record(
            "anggrek.flag.listed",
            object_type="Flag",
            object_id=0,
            actor=admin,
            detail={"status": "all", "count": 2},
        )
        record(
            "jali.visit_registered",
            object_type="Visit",
            object_id=1,
            actor=admin,
            detail={"category": "wna", "number": 7, "permit": "not_found"},
        )
        record(
            "jali.visit_registered",
            object_type="Visit",
            object_id=2,
            actor=admin,
            detail={"category": "official", "number": 8},
        )
        record(
            "jali.visit_viewed",
            object_type="Visit",
            object_id=1,
            actor=admin,
            detail={"permit": "unavailable"},
        )
        for method in ("qr", "desk", "sweep"):
            record(
                "jali.visit_checked_out",
                object_type="Visit",
                object_id=1,
                actor=admin,
                detail={"method": method},
            )


@pytest.mark.parametrize("language", ["id", "en"])
def test_audit_details_show_words(client, everyone, login_as, language):
    admin, holder = everyone
    _coded_entries(admin, holder)
    login_as(admin)
    client.set_cookie("lang", language)
    from intranet.people.models import User

    User.update(language=language).execute()
    html = client.get("/admin/audit/").get_data(as_text=True)
    assert 'data-action="jali.visit_checked_out"' in html  # the entries are on the page
    assert _problems(html) == []
    # the role change names the roles by their labels
    assert ("Petugas izin tinggal" if language == "id" else "Permit officer") in html


def test_the_check_catches_a_code():
    """The check itself fails on what the pages above must not show."""
    html = (
        '<span class="badge">izin_tinggal</span><span class="badge">resepsionis</span>'
        '<div><span class="text-muted">Status:</span> all</div>'
        "<div>Jenis: cempaka.digest</div>"
    )
    found = _problems(html)
    assert any("izin_tinggal" in p for p in found)
    assert any("'resepsionis'" in p for p in found)
    assert any("'all'" in p for p in found)
    assert any("cempaka.digest" in p for p in found)
