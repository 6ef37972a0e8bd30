"""Overstay pages for Inteldakim: the cases (every read audited), a case's page, its follow-ups
and closing."""

from flask import abort, flash, request, url_for
from flask_babel import gettext as _

from ...audit.services import record
from ...core.actor import actor
from ...core.args import datetime_arg, page_arg, text_arg
from ...core.refusals import act, put_on_form
from ...core.responses import redirect_to, render
from ...policy import roles
from .. import labels, queries, settings
from ..dates import as_date, wib_today
from ..forms import FollowUpForm
from ..models import Foreigner, OverstayCase, OverstayFollowUp, Permit
from ..services import overstay as services  # the views here take its names
from ..services.common import OwlError
from .blueprint import OVERSTAY_READ, bp


@bp.get("/overstay")
@roles(*OVERSTAY_READ)
def list_overstays():
    today = wib_today()
    show = request.args.get("show", "open")
    show = show if show in queries.OVERSTAY_SHOWS else "open"
    nationality = text_arg("nationality", 2).upper()
    since = datetime_arg("since")
    page = page_arg()
    cases = queries.overstay_page(show, nationality, page, since)
    more = len(cases) > queries.PAGE_SIZE
    cases = cases[: queries.PAGE_SIZE]
    rate, threshold = settings.overstay_rate(), settings.escalation_days()
    figures = {
        c.id: services.overstay_figures(c.expiry_date, today, rate, threshold) for c in cases
    }
    record(
        "owl.overstay.list_viewed",
        object_type="OverstayCase",
        detail={"show": show, "nationality": nationality, "page": page, "rows": len(cases)},
    )
    return render(
        "owl/overstays.html",
        cases=cases,
        figures=figures,
        show=show,
        nationality=nationality,
        since=since,
        page=page,
        more=more,
        today=today,
        threshold=threshold,
        rate=rate,
        countries=labels.country_choices(),
    )


def _case_or_404(case_id):
    return (
        OverstayCase.select(OverstayCase, Permit, Foreigner)
        .join(Permit, on=(OverstayCase.permit == Permit.id))
        .switch(OverstayCase)
        .join(Foreigner, on=(OverstayCase.foreigner == Foreigner.id))
        .where(OverstayCase.id == case_id)
        .first()
    ) or abort(404)


def _case_page(case, form=None, status=200):
    today = wib_today()
    if form is None:
        form = FollowUpForm(formdata=None)
        form.action_date.data = today
    follow_ups = list(
        OverstayFollowUp.select()
        .where(OverstayFollowUp.case == case.id)
        .order_by(OverstayFollowUp.action_date.desc(), OverstayFollowUp.id.desc())
    )
    end = as_date(case.closed_on) if case.closed_on else today
    return render(
        "owl/case.html",
        _status=status,
        case=case,
        form=form,
        follow_ups=follow_ups,
        figures=services.overstay_figures(case.expiry_date, end),
        today=today,
    )


@bp.get("/overstay/<int:case_id>")
@roles(*OVERSTAY_READ)
def show_case(case_id):
    case = _case_or_404(case_id)
    record("owl.overstay.viewed", case, detail={})
    return _case_page(case)


@bp.post("/overstay/<int:case_id>/follow-up")
@roles("inteldakim")
def add_follow_up(case_id):
    case = _case_or_404(case_id)
    form = FollowUpForm()
    if form.validate_on_submit():
        try:
            services.record_follow_up(
                case,
                action=form.action.data,
                action_date=form.action_date.data,
                notes=form.notes.data,
                actor=actor(),
            )
        except OwlError as exc:
            put_on_form(form, exc, "action")
        else:
            flash(_("The follow-up was recorded."), "success")
            return redirect_to(url_for("owl.show_case", case_id=case.id))
    return _case_page(case, form=form, status=422)


@bp.post("/overstay/<int:case_id>/close")
@roles("inteldakim")
def close_case(case_id):
    case = _case_or_404(case_id)
    return act(
        lambda: services.close_case(case, actor=actor()),
        back=url_for("owl.show_case", case_id=case.id),
        success=_("The case was closed."),
    )
