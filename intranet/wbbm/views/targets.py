"""The figures' targets (office settings) for admins."""

from flask import flash, request, url_for
from flask_babel import gettext as _

from ...audit.services import record
from ...core.responses import redirect_to, render, render_invalid
from ...extensions import transaction
from ...policy import roles
from .. import figures, presenters, settings
from ..definitions import AREAS, FIGURES
from ..forms import TargetsForm, field_name
from .blueprint import bp


def _rows(form):
    return [
        (label, [(f, form[field_name(f.key)]) for f in FIGURES if f.area == key])
        for key, label in AREAS
    ]


@bp.route("/targets", methods=["GET", "POST"])
@roles("admin")
def edit_targets():
    form = TargetsForm()
    if request.method == "GET":
        current = settings.targets()
        for figure in FIGURES:
            value = current[figure.key]
            form[field_name(figure.key)].data = (
                presenters.number(figure, value).replace(".", "") if value is not None else ""
            )
        return render("wbbm/targets.html", form=form, rows=_rows(form))
    if not form.validate_on_submit():
        return render_invalid("wbbm/targets.html", form=form, rows=_rows(form))
    values = {f.key: form[field_name(f.key)].parsed for f in FIGURES}
    with transaction():
        settings.save_targets(values)
        record("wbbm.targets.changed", object_type="Setting", object_id="wbbm", detail=values)
    figures.clear_cache()
    flash(_("The targets were saved."), "success")
    return redirect_to(url_for("wbbm.edit_targets"))
