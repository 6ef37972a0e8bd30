"""Si Cempaka's pages: submit and revise deliverables, the review queue, recap, settings."""

import csv
import datetime as dt
import io
import os
from urllib.parse import parse_qsl, urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from ..audit.services import record
from ..core.args import date_arg, int_arg, int_list_arg, month_arg, page_arg, parse_int
from ..core.live import after_swap
from ..core.responses import (
    is_fragment_request,
    redirect_to,
    render,
    render_invalid,
    render_part,
)
from ..extensions import transaction
from ..people.models import Unit, User
from ..people.nip import normalize_nip
from ..policy import HAS_REPORTS, SIGNED_IN, require, roles
from . import labels, presenters, services, uploads
from . import settings as cset
from .forms import DecisionForm, OverrideForm, ResubmitForm, SettingsForm, SubmissionForm
from .models import (
    FLAG_BITS,
    PENDING,
    REVISION,
    STATUSES,
    Submission,
    SubmissionFile,
)

bp = Blueprint("cempaka", __name__, url_prefix="/cempaka")

NAV = [
    ("cempaka.my_submissions", _l("WFH deliverables")),
    ("cempaka.review_queue", _l("Review deliverables")),
    ("cempaka.recap", _l("WFH recap")),
    ("cempaka.edit_settings", _l("WFH settings")),
]

PER_PAGE = 20


@bp.record_once
def _template_globals(state):
    state.app.jinja_env.globals.update(labels.template_globals())


def _me():
    return current_user._get_current_object()


@bp.after_app_request
def _tile_server_in_csp(response):
    """With a tile server configured, the map pages may load images from its origin."""
    if request.blueprint != "cempaka" or response.mimetype != "text/html":
        return response
    csp = response.headers.get("Content-Security-Policy")
    if not csp:
        return response
    try:
        origin = cset.cached_tile_origin()
    except Exception:
        return response
    if origin and origin not in csp:
        response.headers["Content-Security-Policy"] = csp.replace(
            "img-src 'self' data:", f"img-src 'self' data: {origin}", 1
        )
    return response


def _map_context():
    s = cset.load()
    return {
        "tile_url": s.tile_url,
        "tile_attribution": s.tile_attribution,
        "radius_m": s.radius_m,
        "accuracy_max_m": s.accuracy_max_m,
    }


# ----- employee: own deliverables --------------------------------------------------------------


@bp.get("/")
@roles("pegawai")
def index():
    return redirect_to(url_for("cempaka.my_submissions"))


@bp.get("/mine")
@roles("pegawai")
def my_submissions():
    me = _me()
    status = request.args.get("status") or ""
    if status not in STATUSES:
        status = ""
    page = page_arg(max=10_000)
    rows, has_next = services.my_submissions(me, status=status, page=page, per_page=PER_PAGE)
    return render(
        "cempaka/mine.html",
        rows=presenters.my_rows(rows),
        status_filter=status,
        page=page,
        has_next=has_next,
        counts=services.status_counts(me),
    )


def _location_from(form):
    return services.parse_location(
        form.geo_status.data,
        form.geo_lat.data,
        form.geo_lon.data,
        form.geo_accuracy.data,
        form.geo_time.data,
    )


def _form_context(form, submission=None):
    s = cset.load()
    me = _me()
    return {
        "form": form,
        "submission": submission,
        "settings": s,
        "missing_policy": cset.missing_location_policy(me, s),
        "has_place": me.wfh_lat is not None and me.wfh_lon is not None,
        "place": {"address": me.wfh_address, "lat": me.wfh_lat, "lon": me.wfh_lon},
        "today": services.today_wib().isoformat(),
        "earliest": (services.today_wib() - dt.timedelta(days=s.max_backdate_days)).isoformat(),
    }


@bp.route("/new", methods=["GET", "POST"])
@roles("pegawai")
def new_submission():
    form = SubmissionForm()
    if request.method == "GET":
        form.work_date.data = services.today_wib()
        return render("cempaka/form.html", **_form_context(form))
    error = None
    if form.validate_on_submit():
        try:
            location = _location_from(form)
            checked = uploads.check_uploads(request.files.getlist(form.files.name), cset.load())
            submission = services.submit(
                _me(),
                title=form.title.data.strip(),
                description=(form.description.data or "").strip(),
                work_date=form.work_date.data,
                files=checked,
                location=location,
            )
        except uploads.UploadRefused as exc:
            form.files.errors = [exc.message]
            error = exc.message
        except services.CempakaError as exc:
            error = exc.message
            target = getattr(form, exc.field, None) if exc.field else None
            if target is not None and hasattr(target, "errors"):
                target.errors = [exc.message]
        else:
            flash(_("Your deliverable was submitted for review."), "success")
            return redirect_to(url_for("cempaka.show_submission", submission_id=submission.id))
    return render_invalid("cempaka/form.html", error=error, **_form_context(form))


def _get_submission(submission_id):
    submission = (
        Submission.select(Submission, User)
        .join(User, on=(Submission.employee == User.id))
        .where(Submission.id == submission_id)
        .first()
    )
    require(submission is not None)
    return submission


@bp.route("/<int:submission_id>/revise", methods=["GET", "POST"])
@roles("pegawai")
def resubmit(submission_id):
    submission = _get_submission(submission_id)
    me = _me()
    require(submission.employee_id == me.id)
    if submission.status != REVISION:
        flash(_("This deliverable is not waiting for a revision."), "warning")
        return redirect_to(url_for("cempaka.show_submission", submission_id=submission.id))
    form = ResubmitForm()
    current_files = list(
        SubmissionFile.select().where(
            (SubmissionFile.submission == submission.id)
            & (SubmissionFile.version == submission.version)
        )
    )
    context = {"current_files": current_files}
    if request.method == "GET":
        form.title.data = submission.title
        form.description.data = submission.description
        return render("cempaka/form.html", **_form_context(form, submission), **context)
    error = None
    if form.validate_on_submit():
        try:
            location = _location_from(form)
            checked = uploads.check_uploads(request.files.getlist(form.files.name), cset.load())
            services.resubmit(
                submission,
                me,
                title=form.title.data.strip(),
                description=(form.description.data or "").strip(),
                files=checked,
                keep_files=bool(form.keep_files.data),
                location=location,
            )
        except uploads.UploadRefused as exc:
            form.files.errors = [exc.message]
            error = exc.message
        except services.CempakaError as exc:
            error = exc.message
            target = getattr(form, exc.field, None) if exc.field else None
            if target is not None and hasattr(target, "errors"):
                target.errors = [exc.message]
        else:
            flash(_("The revised deliverable was submitted for review."), "success")
            return redirect_to(url_for("cempaka.show_submission", submission_id=submission.id))
    return render_invalid(
        "cempaka/form.html", error=error, **_form_context(form, submission), **context
    )


@bp.post("/<int:submission_id>/withdraw")
@roles("pegawai")
def withdraw(submission_id):
    """The author takes back a deliverable that is still waiting for review."""
    submission = _get_submission(submission_id)
    me = _me()
    require(submission.employee_id == me.id)
    try:
        services.withdraw(submission, me)
    except services.CempakaError as exc:
        flash(str(exc.message), "warning")
    else:
        flash(_("The deliverable was withdrawn: %(title)s", title=submission.title), "success")
    return redirect_to(url_for("cempaka.show_submission", submission_id=submission.id))


# ----- one deliverable -------------------------------------------------------------------------


@bp.get("/<int:submission_id>")
@roles(SIGNED_IN)
def show_submission(submission_id):
    submission = _get_submission(submission_id)
    me = _me()
    require(services.can_view(me, submission, submission.employee))
    with transaction():
        services.record_location_view(me, submission)
    return render(
        "cempaka/detail.html",
        submission=submission,
        employee=submission.employee,
        history=services.history(submission),
        can_review=services.can_review(me, submission, submission.employee)
        and submission.status == PENDING,
        decision_form=DecisionForm(),
        map=_map_context(),
    )


@bp.get("/<int:submission_id>/location")
@roles(SIGNED_IN)
def show_location(submission_id):
    """The map and coordinates of one deliverable, fetched when the reader asks for them (each
    look at someone else's coordinates is audited)."""
    submission = _get_submission(submission_id)
    me = _me()
    require(services.can_view(me, submission, submission.employee))
    with transaction():
        services.record_location_view(me, submission)
    return render("cempaka/_location.html", s=submission, map=_map_context())


@bp.get("/files/<int:file_id>")
@roles(SIGNED_IN)
def download_file(file_id):
    f = SubmissionFile.get_or_none(SubmissionFile.id == file_id)
    require(f is not None)
    submission = _get_submission(f.submission_id)
    me = _me()
    require(services.can_view(me, submission, submission.employee))
    try:
        path = uploads.path_for(f.stored_name)
    except ValueError:
        abort(404)
    if not os.path.isfile(path):
        current_app.logger.error("cempaka file %s missing from storage", f.id)
        abort(404)
    with transaction():
        services.record_file_download(me, f)
    response = send_file(
        path,
        mimetype=f.content_type,
        as_attachment=True,
        download_name=f.original_name,
        max_age=0,
        etag=False,
        last_modified=None,
        conditional=False,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ----- supervisor: review queue ----------------------------------------------------------------
# Whoever has direct reports reviews them, whatever their roles (a head of office reviews the
# section heads who report to her): policy.HAS_REPORTS. An atasan without reports sees an empty
# queue.


def _queue_filters(me, args=None):
    """The queue's filters from the query string (``args``: another page's, parsed)."""
    args = request.args if args is None else args
    f = services.QueueFilters()
    f.employee_id = int_arg("employee", args=args)
    status = args.get("status", "")
    f.status = status if status in STATUSES else ""
    flag = int_arg("flag", 0, min=-1, args=args)
    f.flag = flag if flag in FLAG_BITS or flag == -1 else 0
    f.date_from = date_arg("from", args=args)
    f.date_to = date_arg("to", args=args)
    f.q = (args.get("q") or "").strip()[:100]
    return f


def _queue_args(f):
    args = {}
    if f.employee_id:
        args["employee"] = f.employee_id
    if f.status:
        args["status"] = f.status
    if f.flag:
        args["flag"] = f.flag
    if f.date_from:
        args["from"] = f.date_from.isoformat()
    if f.date_to:
        args["to"] = f.date_to.isoformat()
    if f.q:
        args["q"] = f.q
    return args


def _present(rows):
    return presenters.queue_rows(rows)


@bp.get("/review")
@roles("atasan", HAS_REPORTS)
def review_queue():
    me = _me()
    filters = _queue_filters(me)
    page = page_arg(max=10_000)
    rows, pending_count, has_next = services.review_queue(me, filters, page, PER_PAGE)
    context = dict(
        rows=_present(rows),
        pending_count=pending_count,
        has_next=has_next,
        page=page,
        filters=filters,
        args=_queue_args(filters),
    )
    hx = getattr(request, "htmx", None)
    if is_fragment_request() and hx.target == "queue-rows":
        return render("cempaka/_queue_rows.html", **context)
    options = presenters.report_options(services.reports_list(me.id), filters.employee_id)
    key = (
        str(get_locale() or "id"),
        options,
        filters.employee_id,
        filters.status,
        filters.flag,
        filters.date_from,
        filters.date_to,
        filters.q,
    )
    filters_html = render_part(
        "cempaka/_queue_filters.html",
        key,
        lambda: {"report_options": options, "filters": filters},
    )
    return render("cempaka/review.html", filters_html=filters_html, **context)


@bp.post("/review/<int:submission_id>")
@roles("atasan", HAS_REPORTS)
def decide(submission_id):
    submission = _get_submission(submission_id)
    me = _me()
    require(services.can_review(me, submission, submission.employee))
    form = DecisionForm()
    error = done = None
    if form.validate_on_submit():
        if form.version.data and form.version.data != submission.version:
            error = _("This deliverable was revised meanwhile; look at the new version first.")
        else:
            try:
                submission = services.decide(
                    submission, me, form.decision.data, form.comment.data or ""
                )
            except services.CempakaError as exc:
                error = exc.message
            else:
                messages = {
                    "approved": _("Approved: %(title)s", title=submission.title),
                    "revision": _("Revision requested: %(title)s", title=submission.title),
                    "rejected": _("Rejected: %(title)s", title=submission.title),
                }
                done = messages[submission.status]
                if not is_fragment_request():  # an htmx caller hears it (core/live.py)
                    flash(done, "success")
    else:
        error = "; ".join(str(e) for errors in form.errors.values() for e in errors)
    if not is_fragment_request():
        if error:
            flash(str(error), "danger")
        target = request.form.get("next")
        if target == "detail":
            return redirect_to(url_for("cempaka.show_submission", submission_id=submission_id))
        return redirect_to(url_for("cempaka.review_queue"))
    [row] = presenters.queue_rows(
        [services.queue_row(submission_id)], error=error, comment=form.comment.data or ""
    )
    row_id = f"#sub-{submission_id}"
    if error:  # the row keeps its form, the message beside the comment (role="alert")
        response = render_invalid("cempaka/_queue_row.html", row=row)
        return after_swap(response, focus=f"{row_id} textarea", fallback=row_id)
    # the queue's count with the row (out of band), counted with the page's filters
    _rows, pending_count, _more = services.review_queue(me, _page_filters(), 1, 1)
    response = render("cempaka/_queue_row.html", row=row, pending_count=pending_count)
    # the keyboard goes on to the next pending row's first decision (or the count)
    return after_swap(
        response,
        done,
        focus=".cempaka-decision button[name=decision]",
        after=row_id,
        fallback="#pending-count",
    )


def _page_filters():
    """The filters of the queue page an inline decision came from (htmx sends its address),
    read as the queue reads them."""
    url = urlsplit(request.headers.get("HX-Current-URL") or "")
    if url.path != url_for("cempaka.review_queue"):
        return services.QueueFilters()
    return _queue_filters(None, MultiDict(parse_qsl(url.query, keep_blank_values=True)))


@bp.post("/review/approve")
@roles("atasan", HAS_REPORTS)
def bulk_approve():
    ids = int_list_arg("ids", args=request.form)
    if not ids:
        flash(_("Select the deliverables to approve."), "warning")
        return redirect_to(url_for("cempaka.review_queue"))
    result = services.bulk_approve(_me(), ids)
    if result.approved:
        flash(_("%(n)d deliverables approved.", n=len(result.approved)), "success")
    if result.flagged:
        flash(
            _(
                "Not approved, because flagged: %(titles)s. Approve each one on its own, with a "
                "note saying why.",
                titles=", ".join(s.title for s in result.flagged[:10])
                + (" …" if len(result.flagged) > 10 else ""),
            ),
            "danger",
        )
    if result.skipped:
        flash(
            _(
                "%(n)d were skipped: they were decided already or are not your direct reports'.",
                n=result.skipped,
            ),
            "warning",
        )
    return redirect_to(url_for("cempaka.review_queue"))


# ----- recap -----------------------------------------------------------------------------------


def _recap_scope(me):
    """(scope, employees subquery or None for all, unit) for the recap request."""
    wanted = request.args.get("scope") or ""
    unit = None
    if me.has_role("kepala", "admin"):
        scopes = ("all", "reports", "me")
        default = "all"
    elif me.has_role("atasan") or me.has_direct_reports:
        scopes = ("reports", "me")
        default = "reports"
    else:
        scopes = ("me",)
        default = "me"
    scope = wanted if wanted in scopes else default
    if scope == "me":
        employees = User.select(User.id).where(User.id == me.id)
    elif scope == "reports":
        employees = User.select(User.id).where(User.supervisor == me.id)
    else:
        unit_id = int_arg("unit", 0)
        unit = Unit.get_or_none(Unit.id == unit_id) if unit_id else None
        employees = User.select(User.id).where(User.unit == unit.id) if unit else None
    return scope, scopes, employees, unit


def _recap_month():
    return month_arg("month") or services.today_wib().replace(day=1)


RECAP_PAGE = 50


def _up_to_this_month(month, notify=False):
    """A month still to come has nothing to count: this month is shown instead (with a message
    on the page when ``notify``). The one place the recap's month is kept from the future."""
    current = services.today_wib().replace(day=1)
    if month <= current:
        return month
    if notify:
        flash(_("The recap covers months up to this one; this month is shown."), "warning")
    return current


@bp.get("/recap")
@roles("pegawai", "atasan", "kepala", "admin")
def recap():
    me = _me()
    month = _up_to_this_month(_recap_month(), notify=True)
    scope, scopes, employees, unit = _recap_scope(me)
    rows = services.recap(month, employees)
    page = page_arg(max=10_000)
    pages = max(1, -(-len(rows) // RECAP_PAGE))
    page = min(page, pages)
    totals = {
        key: sum(getattr(r, key) for r in rows)
        for key in (
            "approved_days",
            "pending_days",
            "revision_days",
            "rejected_days",
            "submissions",
        )
    }
    units = list(Unit.select().order_by(Unit.name)) if "all" in scopes else []
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    return render(
        "cempaka/recap.html",
        rows=rows[(page - 1) * RECAP_PAGE : page * RECAP_PAGE],
        total_rows=len(rows),
        totals=totals,
        page=page,
        pages=pages,
        month=month,
        prev_month=(month - dt.timedelta(days=1)).replace(day=1),
        next_month=next_month if next_month <= services.today_wib() else None,
        this_month=services.today_wib().strftime("%Y-%m"),
        scope=scope,
        scopes=scopes,
        unit=unit,
        units=units,
        working_days=services.working_days(month, cset.load()),
    )


def _safe_cell(value):
    """Spreadsheet formula injection: text starting like a formula is written as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@bp.get("/recap/export")
@roles("pegawai", "atasan", "kepala", "admin")
def export_recap():
    me = _me()
    month = _up_to_this_month(_recap_month())
    scope, _scopes, employees, unit = _recap_scope(me)
    fmt = request.args.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        abort(404)
    rows = services.recap(month, employees)
    header = [
        _("Name"),
        "NIP",
        _("Unit"),
        _("Days approved"),
        _("Days pending"),
        _("Days in revision"),
        _("Days rejected"),
        _("Deliverables"),
    ]
    data = [
        [
            r.name,
            r.nip,
            r.unit,
            r.approved_days,
            r.pending_days,
            r.revision_days,
            r.rejected_days,
            r.submissions,
        ]
        for r in rows
    ]
    with transaction():
        record(
            "cempaka.recap_exported",
            object_type="Recap",
            object_id=month.strftime("%Y-%m"),
            actor=me,
            detail={
                "scope": scope,
                "unit": unit.code if unit else None,
                "format": fmt,
                "rows": len(rows),
            },
        )
    filename = f"rekap-wfh-{month:%Y-%m}-{scope}.{fmt}"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(header)
        for line in data:
            writer.writerow([_safe_cell(v) for v in line])
        body = "\ufeff" + buf.getvalue()  # BOM: Excel opens UTF-8 names correctly
        response = Response(body, mimetype="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(month.strftime("%Y-%m"))
        ws.append(header)
        for line in data:
            ws.append([_safe_cell(v) for v in line])
        out = io.BytesIO()
        wb.save(out)
        response = Response(
            out.getvalue(),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ----- admin: settings -------------------------------------------------------------------------


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
    object_id = parse_int(request.form.get("id"))
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
