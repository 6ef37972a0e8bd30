"""Every route x every role x every method, checked against the declared policy."""

import pytest

from intranet.people.models import ROLES
from intranet.policy import HAS_REPORTS, PUBLIC, SIGNED_IN, admits, policy_for, standing

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


def _walk(app, client, login_as, user, who):
    """Every route x method as ``user`` (None: anonymous), against the declared policy."""
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
            where = f"{method} {url} ({rule.endpoint}) as {who}: {status}"
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
            if user is not None and method == "POST":
                login_as(user, client)
    return checked


@pytest.mark.parametrize("role", [None, *ROLES])
def test_route_role_matrix(app, make_user, login_as, role):
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    user = None
    if role is not None:
        user = make_user(role)
        login_as(user, client)
    assert _walk(app, client, login_as, user, role or "anonymous") > 10


@pytest.mark.parametrize("role", ["pegawai", "kepala"])
def test_route_matrix_of_a_user_with_direct_reports(app, make_user, login_as, role):
    """Having direct reports is a standing (policy.HAS_REPORTS), not a role: the same walk for a
    user whose only difference is that somebody reports to them."""
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    user = make_user(role)
    make_user(supervisor=user)
    assert user.has_direct_reports
    assert HAS_REPORTS in standing(user) and HAS_REPORTS not in standing(make_user(role))
    login_as(user, client)
    assert _walk(app, client, login_as, user, f"{role} with reports") > 10
    admitted = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if HAS_REPORTS in (policy_for(rule.endpoint, app) or ())
    ]
    assert "cempaka.review_queue" in admitted


def test_policy_helpers_are_consistent():
    assert PUBLIC != SIGNED_IN
    assert not admits(None, None)
    assert len({PUBLIC, SIGNED_IN, HAS_REPORTS}) == 3
    assert standing(None) is None
