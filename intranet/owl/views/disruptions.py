"""Disruption notices for admins: the list, publishing a notice (e-mailed to foreigners with an
open application) and resolving it (the all-clear)."""

import datetime as dt

from flask import abort, flash, request, url_for
from flask_babel import gettext as _

from ...core.actor import actor
from ...core.filters import WIB
from ...core.refusals import act, refuse_form
from ...core.responses import redirect_to, render, render_invalid
from ...models import utcnow
from ...policy import roles
from .. import queries
from ..forms import DisruptionForm, ResolveDisruptionForm
from ..models import Disruption
from ..services import disruptions as services  # the views here take its names
from ..services.common import OwlError
from .blueprint import bp


def _to_utc(local_naive):
    return local_naive.replace(tzinfo=WIB).astimezone(dt.UTC).replace(tzinfo=None)


def _to_wib_naive(utc_naive):
    return utc_naive.replace(tzinfo=dt.UTC).astimezone(WIB).replace(tzinfo=None)


@bp.get("/disruptions")
@roles("admin")
def list_disruptions():
    return render(
        "owl/disruptions.html",
        notices=queries.recent_disruptions(),
        now=utcnow(),
        resolve_form=ResolveDisruptionForm(formdata=None),
    )


@bp.route("/disruptions/new", methods=["GET", "POST"])
@roles("admin")
def create_disruption():
    form = DisruptionForm()
    if request.method == "GET":
        now = _to_wib_naive(utcnow()).replace(second=0, microsecond=0)
        form.starts_at.data = now
        form.expected_end_at.data = now + dt.timedelta(hours=4)
    if form.validate_on_submit():
        try:
            notice = services.create_disruption(
                title_en=form.title_en.data,
                title_id=form.title_id.data,
                message_en=form.message_en.data,
                message_id=form.message_id.data,
                starts_at=_to_utc(form.starts_at.data),
                expected_end_at=_to_utc(form.expected_end_at.data),
                actor=actor(),
            )
        except OwlError as exc:
            return refuse_form(
                "owl/disruption_form.html", form, exc, default_field="expected_end_at"
            )
        flash(
            _(
                "The notice is published; %(count)d foreigners with open applications are "
                "e-mailed.",
                count=notice.notified,
            ),
            "success",
        )
        return redirect_to(url_for("owl.list_disruptions"))
    if request.method == "POST":
        return render_invalid("owl/disruption_form.html", form=form)
    return render("owl/disruption_form.html", form=form)


@bp.post("/disruptions/<int:notice_id>/resolve")
@roles("admin")
def resolve_disruption(notice_id):
    notice = Disruption.get_or_none(Disruption.id == notice_id) or abort(404)
    form = ResolveDisruptionForm()
    if form.validate_on_submit():
        return act(
            lambda: services.resolve_disruption(
                notice,
                resolution_en=form.resolution_en.data,
                resolution_id=form.resolution_id.data,
                actor=actor(),
            ),
            back=url_for("owl.list_disruptions"),
            success=_("The notice is resolved; the all-clear is e-mailed."),
        )
    return render_invalid(
        "owl/disruptions.html",
        notices=queries.recent_disruptions(),
        now=utcnow(),
        resolve_form=form,
        resolve_id=notice.id,
    )
