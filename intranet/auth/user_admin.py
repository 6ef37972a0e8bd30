"""The admin's pages for staff accounts (blueprint ``people``, endpoints ``people.*``): list with
active search, create, edit, deactivate, roles. They live in auth because an account is the
directory entry (``people``) and its credentials together; ``people`` itself knows nothing of
sign-in."""

from typing import NamedTuple

from flask import Blueprint, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import escape

from ..core.actor import actor
from ..core.args import int_arg, page_arg, text_arg
from ..core.navigation import ADMIN
from ..core.responses import is_fragment_request, redirect_to, render, render_invalid
from ..extensions import db
from ..people import services
from ..people.forms import UserForm
from ..people.models import Unit, User, UserRole, format_nip
from ..people.roles import ROLE_LABELS
from ..policy import roles
from . import accounts
from .passwords import password_problem

bp = Blueprint("people", __name__, url_prefix="/admin/users")

NAV_GROUP = ADMIN
NAV = [("people.list_users", _l("Users"))]

PAGE_SIZE = 50


class UserRow(NamedTuple):
    id: int
    name: str
    email: str
    display_nip: str
    unit_name: str | None
    is_active: bool
    role_labels: list


USER_LIST_SQL = (
    'SELECT u.id, u.name, u.email, u.nip, un.name, u.is_active FROM "{user}" AS u '
    'LEFT JOIN "{unit}" AS un ON un.id = u.unit_id WHERE {where} '
    "ORDER BY u.name, u.id LIMIT {limit} OFFSET {offset}"
)
USER_COUNT_SQL = 'SELECT COUNT(*) FROM "{user}" AS u WHERE {where}'


def _escape_like(text):
    """``text`` taken literally inside a LIKE pattern (with ESCAPE '\\')."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _user_filter(q, role, status):
    """WHERE clause and parameters of the user list (plain SQL: the page is opened often and
    building it with the query builder cost more than running it)."""
    param = db.param
    where, params = ["1 = 1"], []
    if q:
        where.append(
            f"(LOWER(u.name) LIKE {param} ESCAPE '\\' OR u.nip LIKE {param} ESCAPE '\\' "
            f"OR LOWER(u.email) LIKE {param} ESCAPE '\\')"
        )
        anywhere = f"%{_escape_like(q.lower())}%"
        params += [anywhere, _escape_like(q.replace(" ", "")) + "%", anywhere]
    if role:
        where.append(
            f'u.id IN (SELECT r.user_id FROM "{UserRole._meta.table_name}" AS r '
            f"WHERE r.role = {param})"
        )
        params.append(role)
    if status in ("active", "inactive"):
        where.append(f"u.is_active = {param}")
        params.append(status == "active")
    return " AND ".join(where), params


@bp.get("/")
@roles("admin")
def list_users():
    q = text_arg("q", 100)
    role = request.args.get("role") or ""
    role = role if role in ROLE_LABELS else ""
    status = request.args.get("status") or "active"
    page = page_arg()
    where, params = _user_filter(q, role, status)
    tables = {"user": User._meta.table_name, "unit": Unit._meta.table_name}
    total = db.execute_sql(USER_COUNT_SQL.format(where=where, **tables), params).fetchone()[0]
    rows = db.execute_sql(
        USER_LIST_SQL.format(where=where, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, **tables),
        params,
    ).fetchall()
    roles_by_user = {}
    if rows:
        ids = [r[0] for r in rows]
        marks = ", ".join([db.param] * len(ids))
        for user_id, role_name in db.execute_sql(
            f'SELECT user_id, role FROM "{UserRole._meta.table_name}" WHERE user_id IN ({marks})',
            ids,
        ):
            roles_by_user.setdefault(user_id, []).append(role_name)
    labels = {name: str(label) for name, label in ROLE_LABELS.items()}
    users = [
        UserRow(
            user_id,
            name,
            email,
            format_nip(nip),
            unit_name,
            bool(active),
            sorted(labels[r] for r in roles_by_user.get(user_id, ()) if r in labels),
        )
        for user_id, name, email, nip, unit_name, active in rows
    ]
    context = dict(
        users=users,
        q=q,
        role=role,
        status=status,
        page=page,
        total=total,
        pages=max(1, -(-total // PAGE_SIZE)),
        role_labels=ROLE_LABELS,
        edit_base=url_for("people.list_users"),
    )
    if is_fragment_request() and request.htmx.target == "user-rows":
        return render("people/_user_rows.html", **context)
    return render("people/list.html", **context)


def _form_fields(form):
    sup = None
    if form.supervisor_nip.data:
        sup = User.get_or_none(User.nip == form.supervisor_nip.data)
    return dict(
        nip=form.nip.data,
        name=form.name.data.strip(),
        email=form.email.data,
        position=(form.position.data or "").strip(),
        unit=form.unit.data or None,
        supervisor=sup,
        language=form.language.data,
        wfh_address=form.wfh_address.data or "",
        wfh_lat=float(form.wfh_lat.data) if form.wfh_lat.data is not None else None,
        wfh_lon=float(form.wfh_lon.data) if form.wfh_lon.data is not None else None,
    )


def _user_form(user=None, **kwargs):
    """The user form, checking a typed password by auth's rules."""
    return UserForm(user=user, password_rule=password_problem, **kwargs)


@bp.route("/new", methods=["GET", "POST"])
@roles("admin")
def create_user():
    form = _user_form()
    if form.validate_on_submit():
        user = accounts.create_user(
            **_form_fields(form),
            password=form.password.data,
            roles=form.roles.data,
            actor=actor(),
        )
        flash(_("User %(name)s was created.", name=user.name), "success")
        return redirect_to(url_for("people.edit_user", user_id=user.id))
    if request.method == "POST":
        return render_invalid("people/form.html", form=form, user=None)
    return render("people/form.html", form=form, user=None)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@roles("admin")
def edit_user(user_id):
    user = User.get_or_none(User.id == user_id) or abort(404)
    form = _user_form(user)
    if request.method == "GET":
        form.nip.data = user.nip
        form.name.data = user.name
        form.email.data = user.email
        form.position.data = user.position
        form.unit.data = user.unit_id or 0
        form.supervisor_nip.data = user.supervisor.nip if user.supervisor_id else ""
        form.language.data = user.language
        form.roles.data = sorted(user.role_names)
        form.wfh_address.data = user.wfh_address
        form.wfh_lat.data = user.wfh_lat
        form.wfh_lon.data = user.wfh_lon
    elif form.validate_on_submit():
        accounts.update_user(
            user,
            **_form_fields(form),
            roles=form.roles.data,
            password=form.password.data or None,
            actor=actor(),
        )
        flash(_("Changes to %(name)s were saved.", name=user.name), "success")
        return redirect_to(url_for("people.edit_user", user_id=user.id))
    else:
        return render_invalid("people/form.html", form=form, user=user)
    return render("people/form.html", form=form, user=user)


@bp.post("/validate/<field>")
@roles("admin")
def validate_user_field(field):
    """Inline validation: the feedback for one field of the user form."""
    user = None
    user_id = int_arg("user_id")
    if user_id:
        user = User.get_or_none(User.id == user_id)
    form = _user_form(user, meta={"csrf": False})
    if field not in form._fields or field in ("csrf_token", "roles"):
        abort(404)
    form.validate()
    errors = form[field].errors
    message = str(errors[0]) if errors else ""
    return f'<div class="invalid-feedback d-block" id="fb-{escape(field)}">{escape(message)}</div>'


@bp.post("/<int:user_id>/deactivate")
@roles("admin")
def deactivate_user(user_id):
    user = User.get_or_none(User.id == user_id) or abort(404)
    admin = actor()
    if user.id == admin.id:
        flash(_("You cannot deactivate your own account."), "danger")
    else:
        accounts.deactivate_user(user, actor=admin)
        flash(_("%(name)s was deactivated and signed out everywhere.", name=user.name), "success")
    return redirect_to(url_for("people.edit_user", user_id=user.id))


@bp.post("/<int:user_id>/reactivate")
@roles("admin")
def reactivate_user(user_id):
    user = User.get_or_none(User.id == user_id) or abort(404)
    services.reactivate_user(user, actor=actor())
    flash(_("%(name)s was reactivated.", name=user.name), "success")
    return redirect_to(url_for("people.edit_user", user_id=user.id))
