"""Every route x every role x every method, checked against the declared policy."""

import pytest

from intranet.people.models import ROLES
from intranet.policy import PUBLIC, SIGNED_IN, admits, policy_for

SAMPLE_VALUES = {
    "int": "1",
    "string": "x",
    "path": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def _url_for_rule(rule):
    url = rule.rule
    for arg in rule.arguments:
        conv = rule._converters[arg].__class__.__name__.lower().replace("converter", "")
        value = SAMPLE_VALUES.get({"integer": "int", "unicode": "string"}.get(conv, conv), "1")
        url = url.replace(f"<{rule._converters[arg].__class__.__name__}:{arg}>", value)
        for pattern in (
            f"<int:{arg}>",
            f"<string:{arg}>",
            f"<path:{arg}>",
            f"<{arg}>",
            f"<uuid:{arg}>",
        ):
            url = url.replace(pattern, value)
    return url


def test_every_endpoint_declares_a_policy(app):
    missing = [
        rule.endpoint for rule in app.url_map.iter_rules() if policy_for(rule.endpoint, app) is None
    ]
    assert missing == [], f"endpoints without @roles/@public: {missing}"


def test_undeclared_endpoint_is_denied(app_config):
    from flask import Blueprint

    from intranet import create_app

    application = create_app("test", **app_config)
    bp = Blueprint("undeclared", __name__)
    bp.add_url_rule("/undeclared-test", "view", lambda: "secret")
    application.register_blueprint(bp)
    assert policy_for("undeclared.view", application) is None
    response = application.test_client().get("/undeclared-test")
    assert response.status_code == 403
    assert b"secret" not in response.data


@pytest.mark.parametrize("role", [None, *ROLES])
def test_route_role_matrix(app, make_user, login_as, role):
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    user = None
    if role is not None:
        user = make_user(role)
        login_as(user, client)
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        pol = policy_for(rule.endpoint, app)
        url = _url_for_rule(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, headers={"Accept": "text/html"})
            status = response.status_code
            expected_in = admits(pol, user)
            where = f"{method} {url} ({rule.endpoint}) as {role or 'anonymous'}: {status}"
            if expected_in:
                assert status != 403, where
                assert "X-Auth-Required" not in response.headers, where
            elif user is None:
                assert status == 302 and response.headers.get("X-Auth-Required") == "1", where
                assert response.headers["Location"].startswith("/login"), where
            else:
                assert status == 403, where
            assert status < 500, where
            checked += 1
            # A successful POST may have ended the session (sign-out, password change):
            if role is not None and method == "POST":
                login_as(user, client)
    assert checked > 10


def test_policy_helpers_are_consistent():
    assert PUBLIC != SIGNED_IN
    assert not admits(None, None)
