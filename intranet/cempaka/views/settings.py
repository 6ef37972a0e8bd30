"""The administrator's Si Cempaka settings: the office's rules (radius, accuracy, hours, limits,
retention, map tiles) and the per-unit / per-employee exceptions to the missing-location rule."""

from flask import abort, current_app, flash, request, url_for
from flask_babel import gettext as _

from ...audit.services import record
from ...core.args import int_arg
from ...core.responses import redirect_to, render, render_invalid
from ...extensions import transaction
from ...people.models import Unit, User
from ...people.nip import normalize_nip
from ...policy import roles
from .. import labels
from .. import settings as cset
from ..forms import OverrideForm, SettingsForm
from .blueprint import bp


def _override_form():
    form = OverrideForm(prefix="ov")
    form.unit.choices = [(0, "—")] + [(u.id, u.name) for u in Unit.select().order_by(Unit.name)]
    return form


def _saved_settings_form(current):
    """The settings form showing the saved settings (not the request's fields)."""
    form = SettingsForm(formdata=None)
    for name in cset.DEFAULTS:
        value = getattr(current, name)
        getattr(form, name).data = list(value) if isinstance(value, tuple) else value
    return form


def _settings_context(form, override_form):
    items = []
    unit_names = {u.id: u.name for u in Unit.select()}
    overrides = cset.overrides()
    user_ids = [oid for kind, oid, _v in overrides if kind == "user"]
    users = {u.id: u for u in User.select().where(User.id.in_(user_ids))} if user_ids else {}
    for kind, oid, value in overrides:
        if kind == "unit":
            label = unit_names.get(oid)
        else:
            u = users.get(oid)
            label = f"{u.name} ({u.display_nip})" if u else None
        if label:
            items.append((kind, oid, label, value))
    return {"form": form, "override_form": override_form, "overrides": items}


@bp.route("/settings", methods=["GET", "POST"])
@roles("admin")
def edit_settings():
    current = cset.load(fresh=True)
    if request.method == "GET":
        form = _saved_settings_form(current)
        return render("cempaka/settings.html", **_settings_context(form, _override_form()))
    form = SettingsForm()
    if form.validate_on_submit():
        limit_mb = current_app.config.get("MAX_CONTENT_LENGTH", 25 * 1024 * 1024) / 1048576
        if float(form.max_total_mb.data) >= limit_mb:
            form.max_total_mb.errors = [
                _(
                    "The server accepts at most %(n)s MB per request; choose less.",
                    n=labels.megabytes(round(limit_mb)),
                )
            ]
        else:
            values = {name: getattr(form, name).data for name in cset.DEFAULTS}
            for name in ("max_file_mb", "max_total_mb"):
                values[name] = float(values[name])
            values["work_days"] = sorted(int(d) for d in values["work_days"])
            values["tile_attribution"] = (values["tile_attribution"] or "").strip()
            with transaction():
                changed = cset.save(values)
                if changed:
                    record(
                        "cempaka.settings_changed",
                        object_type="Setting",
                        object_id="cempaka",
                        detail={"changed": changed},
                    )
            flash(_("The WFH settings were saved."), "success")
            return redirect_to(url_for("cempaka.edit_settings"))
    return render_invalid("cempaka/settings.html", **_settings_context(form, _override_form()))


@bp.post("/settings/overrides")
@roles("admin")
def add_override():
    form = _override_form()
    target = None
    if form.validate_on_submit():
        if form.kind.data == "unit":
            unit = Unit.get_or_none(Unit.id == form.unit.data) if form.unit.data else None
            if unit is None:
                form.unit.errors = [_("Choose a unit.")]
            else:
                target = ("unit", unit.id)
        else:
            user = User.get_or_none(User.nip == normalize_nip(form.nip.data or ""))
            if user is None:
                form.nip.errors = [_("No employee has this NIP.")]
            else:
                target = ("user", user.id)
    if target is None:  # the page again, the exception's fields as typed, each with its message
        settings_form = _saved_settings_form(cset.load(fresh=True))
        return render_invalid("cempaka/settings.html", **_settings_context(settings_form, form))
    with transaction():
        cset.set_override(target[0], target[1], form.value.data)
        record(
            "cempaka.override_set",
            object_type=target[0].capitalize(),
            object_id=target[1],
            detail={"missing_location": form.value.data},
        )
    flash(_("The exception was saved."), "success")
    return redirect_to(url_for("cempaka.edit_settings"))


@bp.post("/settings/overrides/delete")
@roles("admin")
def remove_override():
    kind = request.form.get("kind")
    object_id = int_arg("id", args=request.form)
    if object_id is None:
        abort(404)
    if kind not in ("unit", "user"):
        abort(404)
    with transaction():
        removed = cset.remove_override(kind, object_id)
        if removed:
            record("cempaka.override_removed", object_type=kind.capitalize(), object_id=object_id)
    if removed:
        flash(_("The exception was removed."), "success")
    return redirect_to(url_for("cempaka.edit_settings"))
