"""Who may use which endpoint: one decorator, one registry, deny by default.

    @bp.get("/users")
    @roles("admin")
    def list_users(): ...

``roles(...)`` admits signed-in users holding any of the named roles; ``roles(SIGNED_IN)`` any
signed-in user; ``public`` anyone. An endpoint without a declaration answers 403 to everyone, and
the route x role test fails for it.
"""

from flask import abort, current_app, request
from flask_login import current_user

from .people.models import ROLES

SIGNED_IN = "*signed-in*"
PUBLIC = "*public*"

_POLICY_ATTR = "_intranet_policy"


def roles(*names):
    unknown = [n for n in names if n not in ROLES and n != SIGNED_IN]
    if unknown or not names:
        raise ValueError(f"unknown roles in policy: {unknown or names}")

    def decorator(view):
        setattr(view, _POLICY_ATTR, frozenset(names))
        return view

    return decorator


def public(view):
    setattr(view, _POLICY_ATTR, frozenset({PUBLIC}))
    return view


def policy_for(endpoint, app=None):
    """The declared policy of an endpoint, or None when it has none."""
    app = app or current_app
    view = app.view_functions.get(endpoint)
    if view is None:
        return None
    if endpoint == "static" or endpoint.endswith(".static"):
        return frozenset({PUBLIC})
    return getattr(view, _POLICY_ATTR, None)


def admits(policy, user):
    """Does this policy admit this user (None for anonymous)?"""
    if policy is None:
        return False
    if PUBLIC in policy:
        return True
    if user is None or not user.is_authenticated:
        return False
    if SIGNED_IN in policy:
        return True
    return bool(user.role_names.intersection(policy))


def enforce():
    """before_request hook: 401 (sign-in) or 403 according to the endpoint's declaration."""
    if request.endpoint is None:
        return None  # 404/405 are answered by routing
    policy = policy_for(request.endpoint)
    if policy is None:
        abort(403)
    if PUBLIC in policy:
        return None
    user = current_user._get_current_object()
    if not user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not admits(policy, user):
        abort(403)
    return None


# ----- per-object checks -------------------------------------------------------------------------


def is_direct_supervisor(user, employee):
    return employee.supervisor_id is not None and employee.supervisor_id == user.id


def require(condition, status=404):
    """Per-object check. 404 by default so a guessed id reveals nothing about others' records."""
    if not condition:
        abort(status)


def require_self_or_supervisor(user, employee, also=("kepala", "admin")):
    require(user.id == employee.id or is_direct_supervisor(user, employee) or user.has_role(*also))
