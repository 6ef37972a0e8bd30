"""Si Anggrek's set-up: the counters (list, create, edit), the QR code of each counter's
satisfaction survey, and the office settings of the board (when a counter counts as late)."""

import io

import segno
from flask import Response, flash, request, url_for
from flask_babel import gettext as _

from ...audit.services import record
from ...core.actor import actor
from ...core.links import external_url
from ...core.refusals import put_on_form
from ...core.responses import redirect_to, render, render_invalid
from ...extensions import transaction
from ...people.models import Unit
from ...policy import require, roles
from .. import queries, services
from .. import settings as anggrek_settings
from ..forms import BoardSettingsForm, CounterForm
from ..models import Counter
from ..services import StepRefused
from ..settings import setting
from .blueprint import COUNTER_ADMINS, bp

BOARD_SETTINGS = ("calling_late_minutes", "interview_late_minutes")


@bp.route("/settings", methods=["GET", "POST"])
@roles(*COUNTER_ADMINS)
def edit_settings():
    form = BoardSettingsForm()
    if request.method == "GET":
        for name in BOARD_SETTINGS:
            getattr(form, name).data = int(setting(name))
        return render("anggrek/settings.html", form=form)
    if not form.validate_on_submit():
        return render_invalid("anggrek/settings.html", form=form)
    values = {name: getattr(form, name).data for name in BOARD_SETTINGS}
    with transaction():
        anggrek_settings.save(values)
        record(
            "anggrek.settings_changed", object_type="Setting", object_id="anggrek", detail=values
        )
    flash(_("Si Anggrek settings were saved."), "success")
    return redirect_to(url_for("anggrek.edit_settings"))


# ----- counters and their QR codes ------------------------------------------------------------


@bp.get("/counters")
@roles("admin", "atasan", "kepala")
def list_counters():
    return render("anggrek/counters.html", counters=queries.all_counters(), form=CounterForm())


@bp.post("/counters")
@roles(*COUNTER_ADMINS)
def create_counter():
    form = CounterForm()
    if form.validate_on_submit():
        code = form.code.data.strip().upper()
        if queries.counter_code_taken(code):
            form.code.errors.append(_("Another counter already has this code."))
        else:
            unit = Unit.get_or_none(Unit.code == "LANTASKIM") or actor().unit
            counter = services.create_counter(
                code=code, name=form.name.data, unit=unit, actor=actor()
            )
            flash(_("Counter %(name)s was created.", name=counter.name), "success")
            return redirect_to(url_for("anggrek.list_counters"))
    return render_invalid("anggrek/counters.html", counters=queries.all_counters(), form=form)


@bp.route("/counters/<int:counter_id>/edit", methods=["GET", "POST"])
@roles(*COUNTER_ADMINS)
def edit_counter(counter_id):
    counter = Counter.get_or_none(Counter.id == counter_id)
    require(counter is not None)
    form = CounterForm(obj=counter)
    if form.validate_on_submit():
        code = form.code.data.strip().upper()
        active = request.form.get("is_active") == "y"
        if queries.counter_code_taken(code, other_than=counter.id):
            form.code.errors.append(_("Another counter already has this code."))
        else:
            try:
                services.update_counter(
                    counter, code=code, name=form.name.data, is_active=active, actor=actor()
                )
            except StepRefused as exc:
                put_on_form(form, exc, default_field="code")
            else:
                flash(_("Counter %(name)s was saved.", name=counter.name), "success")
                return redirect_to(url_for("anggrek.list_counters"))
    if request.method == "POST":
        return render_invalid("anggrek/counter_form.html", counter=counter, form=form)
    return render("anggrek/counter_form.html", counter=counter, form=form)


def _survey_url(counter):
    """The address the counter's QR code is printed with: the public address (PUBLIC_URL) the
    public's phones reach, not the host the admin's page was asked on."""
    return external_url("anggrek.survey_form", token=counter.survey_token)


@bp.get("/counters/<int:counter_id>/qr")
@roles("admin", "atasan", "kepala")
def show_counter_qr(counter_id):
    counter = Counter.get_or_none(Counter.id == counter_id)
    require(counter is not None)
    return render("anggrek/counter_qr.html", counter=counter, survey_url=_survey_url(counter))


@bp.get("/counters/<int:counter_id>/qr.svg")
@roles("admin", "atasan", "kepala")
def counter_qr_svg(counter_id):
    counter = Counter.get_or_none(Counter.id == counter_id)
    require(counter is not None)
    qr = segno.make(_survey_url(counter), error="m")
    buf = io.BytesIO()
    qr.save(buf, kind="svg", scale=8, border=2, xmldecl=False, svgns=True, title=f"{counter.name}")
    response = Response(buf.getvalue(), mimetype="image/svg+xml")
    # A stricter policy than the pages' for the image alone (the app keeps a view's own).
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
