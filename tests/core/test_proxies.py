"""TRUSTED_PROXIES: how many load balancers' X-Forwarded-For to believe (Werkzeug's ProxyFix).

With 0 (the default) the client is the connection's address and a forged X-Forwarded-For
changes nothing; with 1, clients behind the one proxy are told apart by the address it adds."""

import pytest

from tests.auth.test_sign_in import _login

PROXY = "10.0.0.5"  # the load balancer, as the app's peer


def _status_lookup(client, forwarded_for):
    return client.get(
        "/owl/api/status",
        query_string={"application": "IZT-2026-000001", "passport": "PA7654321"},
        headers={"X-Forwarded-For": forwarded_for},
        environ_base={"REMOTE_ADDR": PROXY},
    )


def _failed_sign_in(client, login, forwarded_for):
    client.clear_cookies()
    return _login(
        client,
        login,
        "wrong-password",
        headers={"X-Forwarded-For": forwarded_for},
        environ_base={"REMOTE_ADDR": PROXY},
    )


def test_without_trusted_proxies_a_forged_forwarded_for_gets_no_new_bucket(app, client):
    assert app.config["TRUSTED_PROXIES"] == 0
    app.config["OWL_STATUS_LIMIT"] = 2
    assert _status_lookup(client, "203.0.113.1").status_code == 404
    assert _status_lookup(client, "203.0.113.2").status_code == 404
    # a third look-up from the same connection, whatever address it claims, is refused
    assert _status_lookup(client, "203.0.113.3").status_code == 429
    assert _status_lookup(client, "198.51.100.7, 203.0.113.4").status_code == 429


def test_without_trusted_proxies_sign_in_throttle_ignores_forwarded_for(app, client, make_user):
    app.config["LOGIN_MAX_FAILURES_PER_IP"] = 2
    first, second, third = make_user(), make_user(), make_user()
    _failed_sign_in(client, first.email, "203.0.113.1")
    _failed_sign_in(client, second.email, "203.0.113.2")
    response = _failed_sign_in(client, third.email, "203.0.113.3")
    assert "Terlalu banyak percobaan" in response.get_data(as_text=True)


@pytest.fixture
def behind_one_proxy(app_config):
    app_config["TRUSTED_PROXIES"] = 1


def test_with_one_trusted_proxy_clients_have_separate_status_buckets(behind_one_proxy, app, client):
    app.config["OWL_STATUS_LIMIT"] = 2
    for _ in range(2):
        assert _status_lookup(client, "203.0.113.1").status_code == 404
    assert _status_lookup(client, "203.0.113.1").status_code == 429
    # another foreigner behind the same load balancer is not affected
    assert _status_lookup(client, "203.0.113.2").status_code == 404
    # only the hop the proxy added counts: a client cannot forge a fresh address in front of it
    assert _status_lookup(client, "198.51.100.9, 203.0.113.1").status_code == 429


def test_with_one_trusted_proxy_one_clients_failures_do_not_lock_the_office(
    behind_one_proxy, app, client, make_user
):
    app.config["LOGIN_MAX_FAILURES_PER_IP"] = 2
    first, second, colleague = make_user(), make_user(), make_user()
    _failed_sign_in(client, first.email, "203.0.113.66")
    _failed_sign_in(client, second.email, "203.0.113.66")
    # the guesser's address is now throttled ...
    locked = _failed_sign_in(client, colleague.email, "203.0.113.66")
    assert "Terlalu banyak percobaan" in locked.get_data(as_text=True)
    # ... while a colleague behind the same proxy signs in
    client.clear_cookies()
    response = _login(
        client,
        colleague.email,
        headers={"X-Forwarded-For": "10.20.0.14"},
        environ_base={"REMOTE_ADDR": PROXY},
    )
    assert response.status_code == 303
