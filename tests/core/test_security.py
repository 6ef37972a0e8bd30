"""CSRF on every state change (htmx too), security headers, no-store on signed-in pages."""

import pytest


@pytest.mark.parametrize("htmx", [False, True])
def test_post_without_csrf_token_is_400(client, make_user, login_as, htmx):
    admin = make_user("admin")
    login_as(admin)
    headers = {"HX-Request": "true"} if htmx else {}
    for path in ("/logout", "/admin/users/new", "/language", f"/admin/users/{admin.id}"):
        response = client.post(path, data={"name": "x"}, headers=headers)
        assert response.status_code == 400, path
        if htmx:
            assert response.headers["HX-Retarget"] == "#flash-area"


def test_post_with_csrf_header_passes(client, make_user, login_as):
    login_as(make_user())
    response = client.post_form("/language", {"lang": "en"}, htmx=True, token_from="/home")
    assert response.status_code == 303


def test_security_headers(client, make_user, login_as):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    login_as(make_user())
    assert client.get("/home").headers["Cache-Control"] == "no-store"


def test_session_cookie_flags(app, client, make_user):
    from tests.auth.test_sign_in import _login

    _login(client, make_user().email)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie.http_only and cookie.same_site == "Lax"


def test_production_refuses_default_secret_and_missing_database(monkeypatch):
    from config import ProductionConfig

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig.check()
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        ProductionConfig.check()
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/intranet")
    monkeypatch.setenv("PUBLIC_URL", "https://intranet.kanim-jakpus.example")
    ProductionConfig.check()
    assert ProductionConfig.SESSION_COOKIE_SECURE


def test_htmx_errors_are_fragments(client, make_user, login_as):
    login_as(make_user())
    response = client.get("/admin/users/", headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert response.headers["HX-Retarget"] == "#flash-area"
    assert "<html" not in response.get_data(as_text=True)
    full = client.get("/admin/users/")
    assert full.status_code == 403 and "<html" in full.get_data(as_text=True)


def test_expired_session_under_htmx_gets_hx_redirect(client):
    response = client.get("/home", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/login")


def test_unknown_page_is_404_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "tidak ditemukan" in response.get_data(as_text=True)


def test_nul_bytes_are_refused_with_400(client, make_user, login_as):
    login_as(make_user("admin"))
    assert client.get("/admin/users/?q=a%00b").status_code == 400
    response = client.post_form("/admin/users/new", {"name": "x\x00y"}, token_from="/home")
    assert response.status_code == 400


def test_ids_beyond_a_row_id_are_404_not_500(client, make_user, login_as):
    login_as(make_user("admin"))
    assert client.get("/admin/users/99999999999999999999").status_code == 404
    assert client.get("/admin/users/2147483647").status_code == 404


def test_no_hsts_in_development_and_test(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_production_sends_hsts_by_default(monkeypatch, app_config):
    """Production answers with Strict-Transport-Security (a year unless HSTS_MAX_AGE says
    otherwise; 0 turns it off)."""
    from config import ProductionConfig
    from intranet import create_app

    for name, value in {
        "SECRET_KEY": "x" * 40,
        "DATABASE_URL": app_config["DATABASE_URL"],
        "REDIS_URL": app_config["REDIS_URL"],
        "PUBLIC_URL": "https://intranet.kanim-jakpus.example",
    }.items():
        monkeypatch.setenv(name, value)
    assert ProductionConfig.HSTS_MAX_AGE == 365 * 24 * 3600
    production = create_app("production", **app_config)
    response = production.test_client().get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    shorter = create_app("production", **app_config, HSTS_MAX_AGE=600)
    assert shorter.test_client().get("/healthz").headers["Strict-Transport-Security"] == (
        "max-age=600"
    )
    off = create_app("production", **app_config, HSTS_MAX_AGE=0)
    assert "Strict-Transport-Security" not in off.test_client().get("/login").headers
