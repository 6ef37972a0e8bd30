"""An employee's own deliverables: the list, submitting a new one, revising one sent back, and
withdrawing one still waiting for review."""

import datetime as dt

from flask import flash, request, url_for
from flask_babel import gettext as _

from ...core.actor import actor
from ...core.args import page_arg
from ...core.refusals import Refusal, refuse_form
from ...core.responses import redirect_to, render, render_invalid
from ...policy import require, roles
from .. import location, presenters, queries, submissions, uploads
from .. import settings as cset
from ..errors import CempakaError
from ..forms import ResubmitForm, SubmissionForm
from ..models import REVISION, STATUSES
from .blueprint import PER_PAGE, bp, get_submission


@bp.get("/")
@roles("pegawai")
def index():
    return redirect_to(url_for("cempaka.my_submissions"))


@bp.get("/mine")
@roles("pegawai")
def my_submissions():
    me = actor()
    status = request.args.get("status") or ""
    if status not in STATUSES:
        status = ""
    page = page_arg(max=10_000)
    rows, has_next = queries.my_submissions(me, status=status, page=page, per_page=PER_PAGE)
    return render(
        "cempaka/mine.html",
        rows=presenters.my_rows(rows),
        status_filter=status,
        page=page,
        has_next=has_next,
        counts=queries.status_counts(me),
    )


def _location_from(form):
    return location.parse_location(
        form.geo_status.data,
        form.geo_lat.data,
        form.geo_lon.data,
        form.geo_accuracy.data,
        form.geo_time.data,
    )


def _form_context(submission=None):
    """What the submit / revise page shows beside its form."""
    s = cset.load()
    me = actor()
    return {
        "submission": submission,
        "settings": s,
        "missing_policy": cset.missing_location_policy(me, s),
        "has_place": me.wfh_lat is not None and me.wfh_lon is not None,
        "place": {"address": me.wfh_address, "lat": me.wfh_lat, "lon": me.wfh_lon},
        "today": location.today_wib().isoformat(),
        "earliest": (location.today_wib() - dt.timedelta(days=s.max_backdate_days)).isoformat(),
    }


@bp.route("/new", methods=["GET", "POST"])
@roles("pegawai")
def new_submission():
    form = SubmissionForm()
    if request.method == "GET":
        form.work_date.data = location.today_wib()
        return render("cempaka/form.html", form=form, **_form_context())
    if form.validate_on_submit():
        try:
            position = _location_from(form)
            checked = uploads.check_uploads(request.files.getlist(form.files.name), cset.load())
            submission = submissions.submit(
                actor(),
                title=form.title.data.strip(),
                description=(form.description.data or "").strip(),
                work_date=form.work_date.data,
                files=checked,
                location=position,
            )
        except Refusal as exc:  # a file (UploadRefused) or a rule (CempakaError): by its field
            return refuse_form("cempaka/form.html", form, exc, error=exc.message, **_form_context())
        flash(_("Your deliverable was submitted for review."), "success")
        return redirect_to(url_for("cempaka.show_submission", submission_id=submission.id))
    return render_invalid("cempaka/form.html", form=form, error=None, **_form_context())


@bp.route("/<int:submission_id>/revise", methods=["GET", "POST"])
@roles("pegawai")
def resubmit(submission_id):
    submission = get_submission(submission_id)
    me = actor()
    require(submission.employee_id == me.id)
    if submission.status != REVISION:
        flash(_("This deliverable is not waiting for a revision."), "warning")
        return redirect_to(url_for("cempaka.show_submission", submission_id=submission.id))
    form = ResubmitForm()
    current_files = queries.current_files(submission)
    if request.method == "GET":
        form.title.data = submission.title
        form.description.data = submission.description
        return render(
            "cempaka/form.html",
            form=form,
            current_files=current_files,
            **_form_context(submission),
        )
    if form.validate_on_submit():
        try:
            position = _location_from(form)
            checked = uploads.check_uploads(request.files.getlist(form.files.name), cset.load())
            submissions.resubmit(
                submission,
                me,
                title=form.title.data.strip(),
                description=(form.description.data or "").strip(),
                files=checked,
                keep_files=bool(form.keep_files.data),
                location=position,
            )
        except Refusal as exc:  # a file (UploadRefused) or a rule (CempakaError): by its field
            return refuse_form(
                "cempaka/form.html",
                form,
                exc,
                error=exc.message,
                current_files=current_files,
                **_form_context(submission),
            )
        flash(_("The revised deliverable was submitted for review."), "success")
        return redirect_to(url_for("cempaka.show_submission", submission_id=submission.id))
    return render_invalid(
        "cempaka/form.html",
        form=form,
        error=None,
        current_files=current_files,
        **_form_context(submission),
    )


@bp.post("/<int:submission_id>/withdraw")
@roles("pegawai")
def withdraw(submission_id):
    """The author takes back a deliverable that is still waiting for review."""
    submission = get_submission(submission_id)
    me = actor()
    require(submission.employee_id == me.id)
    try:
        submissions.withdraw(submission, me)
    except CempakaError as exc:  # flashed as a warning (act() would say "danger")
        flash(str(exc.message), "warning")
    else:
        flash(_("The deliverable was withdrawn: %(title)s", title=submission.title), "success")
    return redirect_to(url_for("cempaka.show_submission", submission_id=submission.id))
