"""Admins list (active search), create, edit, deactivate users and assign roles."""

from intranet.audit.models import AuditEntry
from intranet.auth.accounts import create_user
from intranet.people.models import User, UserRole
from tests.conftest import make_nip


def _form(**kw):
    data = {
        "nip": make_nip(),
        "name": "Siti Rahmawati",
        "email": "siti@kanim.example",
        "position": "Analis",
        "unit": "0",
        "supervisor_nip": "",
        "language": "id",
        "roles": ["pegawai", "loket"],
        "wfh_address": "",
        "wfh_lat": "",
        "wfh_lon": "",
        "password": "Rahasia-Baru-1",
        "is_active": "y",
    }
    data.update(kw)
    return data


def test_admin_creates_user_with_roles_and_it_is_audited(client, make_user, login_as):
    admin = make_user("admin")
    login_as(admin)
    response = client.post_form("/admin/users/new", _form(), token_from="/admin/users/new")
    assert response.status_code == 303
    user = User.get(User.email == "siti@kanim.example")
    assert {r.role for r in UserRole.select().where(UserRole.user == user)} == {"pegawai", "loket"}
    entry = AuditEntry.get(AuditEntry.action == "user.created")
    assert entry.actor_id == admin.id and entry.object_id == str(user.id)
    assert "Rahasia" not in entry.detail


def test_bad_input_gets_messages_and_saves_nothing(client, make_user, login_as):
    login_as(make_user("admin"))
    before = User.select().count()
    response = client.post_form(
        "/admin/users/new",
        _form(nip="123", email="not-an-email", password="short", wfh_lat="95"),
        token_from="/admin/users/new",
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "18 digit" in body and "alamat e-mail" in body and "minimal 10 karakter" in body
    assert User.select().count() == before


def test_duplicate_nip_and_email_refused(client, make_user, login_as):
    admin = make_user("admin")
    login_as(admin)
    response = client.post_form(
        "/admin/users/new",
        _form(nip=admin.nip, email=admin.email.upper()),
        token_from="/admin/users/new",
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "NIP ini" in body and "e-mail ini" in body


def test_inline_validation_of_one_field(client, make_user, login_as):
    login_as(make_user("admin"))
    response = client.post_form(
        "/admin/users/validate/nip",
        {"nip": "19861326201505 1001"},
        htmx=True,
        token_from="/admin/users/new",
    )
    assert response.status_code == 200
    assert 'id="fb-nip"' in response.get_data(as_text=True)
    assert "tanggal lahir" in response.get_data(as_text=True)


def test_active_search_returns_rows_fragment(client, make_user, login_as):
    login_as(make_user("admin"))
    make_user(name="Bambang Sutrisno")
    make_user(name="Dewi Lestari")
    response = client.get(
        "/admin/users/?q=bamb", headers={"HX-Request": "true", "HX-Target": "user-rows"}
    )
    body = response.get_data(as_text=True)
    assert "Bambang Sutrisno" in body and "Dewi Lestari" not in body
    assert "<nav" not in body


def test_search_filters_roles_status_and_takes_wildcards_literally(client, make_user, login_as):
    login_as(make_user("admin", name="Admin Kantor"))
    bambang = make_user("loket", name="Bambang Sutrisno", nip="198609262015051001")
    make_user("keuangan", name="Dewi 100% Lestari")
    make_user(name="Budi Santoso", active=False)

    def rows(query):
        response = client.get(
            "/admin/users/?" + query, headers={"HX-Request": "true", "HX-Target": "user-rows"}
        )
        assert response.status_code == 200
        return response.get_data(as_text=True)

    by_nip = rows("q=19860926+201505")  # NIP as written on paper, with spaces
    assert "Bambang Sutrisno" in by_nip and "Dewi" not in by_nip
    assert "19860926 201505 1 001" in by_nip and f'href="/admin/users/{bambang.id}"' in by_nip
    assert "Counter officer" in by_nip or "Petugas loket" in by_nip
    percent = rows("q=%25")  # "%" matches only names containing it, not everyone
    assert "Dewi 100% Lestari" in percent and "Bambang" not in percent
    assert "Bambang" not in rows("q=_ambang")
    by_role = rows("role=keuangan")
    assert "Dewi 100% Lestari" in by_role and "Bambang" not in by_role
    assert "Budi Santoso" not in rows("q=budi")  # active users by default
    assert "Budi Santoso" in rows("q=budi&status=inactive")
    assert "Budi Santoso" in rows("q=budi&status=all")


def test_edit_roles_and_deactivate(client, make_user, login_as):
    admin = make_user("admin")
    login_as(admin)
    user = create_user(
        nip=make_nip(),
        name="Agus",
        email="agus@kanim.example",
        password="Rahasia-Baru-1",
        roles=["pegawai"],
    )
    response = client.post_form(
        f"/admin/users/{user.id}",
        _form(
            nip=user.nip,
            name="Agus Salim",
            email=user.email,
            roles=["pegawai", "atasan"],
            password="",
        ),
        token_from=f"/admin/users/{user.id}",
    )
    assert response.status_code == 303
    assert User.get_by_id(user.id).name == "Agus Salim"
    assert AuditEntry.select().where(AuditEntry.action == "user.roles_changed").count() == 1
    response = client.post_form(
        f"/admin/users/{user.id}/deactivate", token_from=f"/admin/users/{user.id}"
    )
    assert response.status_code == 303
    assert not User.get_by_id(user.id).is_active


def test_admin_cannot_deactivate_self(client, make_user, login_as):
    admin = make_user("admin")
    login_as(admin)
    client.post_form(f"/admin/users/{admin.id}/deactivate", token_from="/home")
    assert User.get_by_id(admin.id).is_active


def test_cli_creates_and_deactivates_users(app):
    runner = app.test_cli_runner()
    nip = make_nip()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--nip",
            nip,
            "--name",
            "Admin Satu",
            "--email",
            "admin1@kanim.example",
            "--role",
            "admin",
            "--password",
            "Rahasia-Admin-1",
        ]
    )
    assert result.exit_code == 0, result.output
    bad = runner.invoke(
        args=[
            "users",
            "create",
            "--nip",
            "123",
            "--name",
            "X",
            "--email",
            "x@kanim.example",
            "--password",
            "Rahasia-Admin-1",
        ]
    )
    assert bad.exit_code != 0 and "18" in bad.output
    result = runner.invoke(args=["users", "deactivate", "--nip", nip])
    assert result.exit_code == 0
    from intranet.extensions import db

    with app.app_context(), db.connection_context():
        user = User.get(User.nip == nip)
        assert not user.is_active and user.has_role("admin")
