"""Applications' pages: receive one for a foreigner, the list, an application's page, and the
steps that take it into process and decide it."""

from flask import abort, flash, request, url_for
from flask_babel import gettext as _

from ...core.actor import actor
from ...core.args import int_arg
from ...core.refusals import act, put_on_form, refuse_form
from ...core.responses import redirect_to, render, render_invalid
from ...policy import roles
from .. import queries, settings
from ..dates import as_date, received_before_standard, wib_today, working_days_between
from ..forms import ApplicationForm, CompleteApplicationForm, RejectApplicationForm
from ..models import Application, Foreigner
from ..services import applications as services  # the views here take its names
from ..services.common import OwlError
from ..services.registry import active_permit
from .blueprint import REGISTRY_READ, bp
from .registry import foreigner_or_404


@bp.route("/foreigners/<int:foreigner_id>/applications/new", methods=["GET", "POST"])
@roles("izin_tinggal")
def create_application(foreigner_id):
    foreigner = foreigner_or_404(foreigner_id)
    form = ApplicationForm()
    current = active_permit(foreigner.id)
    if request.method == "GET":
        form.received_on.data = wib_today()
        if current:
            form.requested_type.data = current.permit_type
    template_args = dict(foreigner=foreigner, current=current)
    if form.validate_on_submit():
        try:
            application = services.receive_application(
                foreigner,
                kind=form.kind.data,
                requested_type=form.requested_type.data,
                received_on=form.received_on.data,
                notes=form.notes.data,
                actor=actor(),
            )
        except OwlError as exc:
            return refuse_form(
                "owl/application_form.html", form, exc, default_field="kind", **template_args
            )
        flash(_("Application %(number)s was received.", number=application.number), "success")
        return redirect_to(url_for("owl.show_application", application_id=application.id))
    if request.method == "POST":
        return render_invalid("owl/application_form.html", form=form, **template_args)
    return render("owl/application_form.html", form=form, **template_args)


@bp.get("/applications")
@roles(*REGISTRY_READ)
def list_applications():
    status = request.args.get("status", "open")
    status = status if status in queries.APPLICATION_FILTERS else "open"
    before = int_arg("before")
    overdue_from = received_before_standard(
        wib_today(), settings.service_standard_days(), settings.public_holidays()
    )
    applications = queries.application_page(status, before, actor().id, overdue_from)
    more = len(applications) > queries.PAGE_SIZE
    applications = applications[: queries.PAGE_SIZE]
    return render(
        "owl/applications.html",
        applications=applications,
        filter_status=status,
        officers=queries.officer_names(applications),
        next_before=applications[-1].id if more else None,
        first_page=before is None,
        today=wib_today(),
        standard=settings.service_standard_days(),
    )


def _application_or_404(application_id):
    return (
        Application.select(Application, Foreigner)
        .join(Foreigner, on=(Application.foreigner == Foreigner.id))
        .where(Application.id == application_id)
        .first()
    ) or abort(404)


def _application_page(application, complete_form=None, reject_form=None, status=200):
    today = wib_today()
    if complete_form is None:
        complete_form = CompleteApplicationForm(formdata=None)
        complete_form.issue_date.data = today
        old = application.permit
        if old is not None:
            complete_form.registration_number.data = old.registration_number
            complete_form.subtype.data = old.subtype
    reject_form = reject_form or RejectApplicationForm(formdata=None)
    end = application.decided_on or today
    days = working_days_between(
        as_date(application.received_on), as_date(end), settings.public_holidays()
    )
    return render(
        "owl/application.html",
        _status=status,
        application=application,
        complete_form=complete_form,
        reject_form=reject_form,
        today=today,
        working_days=days,
        standard=settings.service_standard_days(),
    )


@bp.get("/applications/<int:application_id>")
@roles(*REGISTRY_READ)
def show_application(application_id):
    return _application_page(_application_or_404(application_id))


@bp.post("/applications/<int:application_id>/start")
@roles("izin_tinggal")
def start_application(application_id):
    application = _application_or_404(application_id)
    return act(
        lambda: services.start_processing(application, actor()),
        back=url_for("owl.show_application", application_id=application.id),
        success=_("You are now processing %(number)s.", number=application.number),
    )


@bp.post("/applications/<int:application_id>/complete")
@roles("izin_tinggal")
def complete_application(application_id):
    application = _application_or_404(application_id)
    form = CompleteApplicationForm()
    if form.validate_on_submit():
        try:
            services.complete_application(
                application,
                permit_number=form.permit_number.data,
                registration_number=form.registration_number.data,
                subtype=form.subtype.data,
                issue_date=form.issue_date.data,
                expiry_date=form.expiry_date.data,
                actor=actor(),
            )
        except OwlError as exc:
            put_on_form(form, exc, "permit_number")
        else:
            flash(
                _(
                    "Application %(number)s is completed; the foreigner is notified.",
                    number=application.number,
                ),
                "success",
            )
            return redirect_to(url_for("owl.show_application", application_id=application.id))
    return _application_page(application, complete_form=form, status=422)


@bp.post("/applications/<int:application_id>/reject")
@roles("izin_tinggal")
def reject_application(application_id):
    application = _application_or_404(application_id)
    form = RejectApplicationForm()
    if form.validate_on_submit():
        try:
            services.reject_application(application, reason=form.reason.data, actor=actor())
        except OwlError as exc:
            put_on_form(form, exc, "reason")
        else:
            flash(
                _(
                    "Application %(number)s was rejected; the foreigner is notified.",
                    number=application.number,
                ),
                "success",
            )
            return redirect_to(url_for("owl.show_application", application_id=application.id))
    return _application_page(application, reject_form=form, status=422)
