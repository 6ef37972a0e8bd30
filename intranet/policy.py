"""Who may use which endpoint: one decorator, one registry, deny by default.

    @bp.get("/users")
    @roles("admin")
    def list_users(): ...

``roles(...)`` admits signed-in users holding any of the named roles; ``roles(SIGNED_IN)`` any
signed-in user; ``public`` anyone. An endpoint without a declaration answers 403 to everyone, and
the route x role test fails for it.

Besides roles, a policy may name a standing that follows from the user's place in the office
rather than from a role an admin grants: ``HAS_REPORTS`` (signed in and somebody's direct
supervisor, whatever their roles). ``roles("atasan", HAS_REPORTS)`` admits both. ``standing(user)``
is the user's roles plus the standings that hold for them; ``admits`` and the navigation read it.
"""

from flask import abort, current_app, request
from flask_login import current_user

from .people.roles import ROLES

SIGNED_IN = "*signed-in*"
PUBLIC = "*public*"
HAS_REPORTS = "*has-direct-reports*"

# Standings a policy may name beside roles: name -> does it hold for this (signed-in) user?
STANDINGS = {HAS_REPORTS: lambda user: user.has_direct_reports}

_POLICY_ATTR = "_intranet_policy"


def roles(*names):
    unknown = [n for n in names if n not in ROLES and n != SIGNED_IN and n not in STANDINGS]
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
    if user.role_names.intersection(policy):
        return True
    return any(STANDINGS[name](user) for name in policy if name in STANDINGS)


def standing(user):
    """The roles and standings of a signed-in user (None for anonymous): what decides every
    policy, so what the navigation is cached by."""
    if user is None or not user.is_authenticated:
        return None
    held = frozenset(name for name, holds in STANDINGS.items() if holds(user))
    return user.role_names | held if held else user.role_names


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
    """The supervisor recorded for the employee: who reviews their work, whatever their roles."""
    return employee.supervisor_id is not None and employee.supervisor_id == user.id


def require(condition, status=404):
    """Per-object check. 404 by default so a guessed id reveals nothing about others' records."""
    if not condition:
        abort(status)


def require_self_or_supervisor(user, employee, also=("kepala", "admin")):
    require(user.id == employee.id or is_direct_supervisor(user, employee) or user.has_role(*also))
