"""Si Emak pages: pay runs for finance, "My pay slips" for every employee. Views are thin: they
parse and validate, call a service, and render a page or an htmx fragment."""

from flask import Blueprint, abort, flash, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import escape

from ..audit.services import record
from ..core.actor import actor
from ..core.args import int_arg, page_arg
from ..core.filters import format_number
from ..core.navigation import NavGroup
from ..core.refusals import act, put_on_form, refuse_form
from ..core.responses import is_fragment_request, redirect_to, render, render_invalid
from ..people.models import User
from ..policy import SIGNED_IN, require, roles
from . import components as comp
from . import lines, notices, queries, runs, sending
from .forms import EmployeeLinesForm, ImportForm, RunForm
from .importer import FileRejected
from .models import DRAFT, FINAL, SENDING, SENT, PayNotice, PayRun
from .money import AmountError, parse_amount
from .runs import PayError, RunLocked

bp = Blueprint("emak", __name__, url_prefix="/pay")

NAV_GROUP = NavGroup("emak", _l("Pay"), "Si Emak")
NAV = [
    ("emak.list_runs", _l("Pay runs")),
    ("emak.my_notices", _l("My pay slips")),
]

PAGE_SIZE = 50
STATE_LABELS = {
    DRAFT: _l("Draft"),
    FINAL: _l("Final"),
    SENDING: _l("Sending"),
    SENT: _l("Sent"),
}
DELIVERY_LABELS = {
    "queued": _l("Queued"),
    "sending": _l("Sending"),
    "sent": _l("Sent"),
    "failed": _l("Failed, will retry"),
    "dead": _l("Failed for good"),
}
DELIVERY_CLASSES = {
    "queued": "text-bg-secondary",
    "sending": "text-bg-warning",
    "sent": "text-bg-success",
    "failed": "text-bg-danger",
    "dead": "text-bg-dark",
}
DEDUCTION_CODES = frozenset(c.code for c in comp.COMPONENTS if c.is_deduction)


@bp.context_processor
def _emak_labels():
    return {
        "pay_state_labels": STATE_LABELS,
        "delivery_labels": DELIVERY_LABELS,
        "delivery_classes": DELIVERY_CLASSES,
        "deduction_codes": DEDUCTION_CODES,
        "components": comp.COMPONENTS,
    }


def _run_or_404(run_id):
    return PayRun.get_or_none(PayRun.id == run_id) or abort(404)


def _run_url(run_id):
    """The run's page: where a refused action goes back to."""
    return url_for("emak.show_run", run_id=run_id)


def _search_text():
    """The search box's text, as typed (the box sets no length; NUL never reaches the
    database)."""
    return (request.args.get("q") or "").replace("\x00", "").strip()


# ----- runs ------------------------------------------------------------------------------------


@bp.get("/runs")
@roles("keuangan")
def list_runs():
    status = request.args.get("status", "")
    page = page_arg()
    shown, total = queries.runs_page(status, page=page, per_page=PAGE_SIZE)
    return render(
        "emak/runs.html",
        runs=shown,
        counts=queries.notice_counts_for_runs([r.id for r in shown]),
        status=status,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        total=total,
    )


@bp.route("/runs/new", methods=["GET", "POST"])
@roles("keuangan")
def create_run():
    form = RunForm()
    if form.validate_on_submit():
        try:
            run = runs.create_run(
                period=form.period.data,
                kind=form.kind.data,
                kind_label=form.kind_label.data,
                pay_date=form.pay_date.data,
                send_after=form.send_after_utc(),
                note=form.note.data,
                actor=actor(),
            )
        except PayError as exc:
            return refuse_form("emak/run_form.html", form, exc, default_field="kind", run=None)
        flash(_("The pay run was created. Now enter or import its lines."), "success")
        return redirect_to(_run_url(run.id))
    if request.method == "POST":
        return render_invalid("emak/run_form.html", form=form, run=None)
    return render("emak/run_form.html", form=form, run=None)


@bp.route("/runs/<int:run_id>/edit", methods=["GET", "POST"])
@roles("keuangan")
def edit_run(run_id):
    run = _run_or_404(run_id)
    if not run.is_draft:
        only_drafts = _l("Only a draft pay run can be edited.")
        return act(lambda: runs.require_draft(run, only_drafts), back=_run_url(run.id))
    form = RunForm()
    if request.method == "GET":
        form.fill_from(run)
    elif form.validate_on_submit():
        return act(
            lambda: runs.update_run(
                run.id,
                period=form.period.data,
                kind=form.kind.data,
                kind_label=form.kind_label.data,
                pay_date=form.pay_date.data,
                send_after=form.send_after_utc(),
                note=form.note.data,
                actor=actor(),
            ),
            back=_run_url(run.id),
            success=_("The pay run was saved."),
        )
    else:
        return render_invalid("emak/run_form.html", form=form, run=run)
    return render("emak/run_form.html", form=form, run=run)


@bp.post("/runs/<int:run_id>/delete")
@roles("keuangan")
def delete_run(run_id):
    run = _run_or_404(run_id)
    return act(
        lambda: runs.delete_run(run.id, actor=actor()),
        back=_run_url(run.id),
        success=_("The draft pay run was deleted."),
        done=url_for("emak.list_runs"),
    )


@bp.get("/runs/<int:run_id>")
@roles("keuangan")
def show_run(run_id):
    run = _run_or_404(run_id)
    q = _search_text()
    page = page_arg()
    rows, total = queries.employee_summaries(run, q=q, page=page, per_page=PAGE_SIZE)
    context = dict(
        run=run,
        rows=rows,
        q=q,
        page=page,
        total=total,
        pages=max(1, -(-total // PAGE_SIZE)),
        totals=queries.run_totals(run),
    )
    # The search box asks for the employee rows alone (htmx): audited as the page is.
    record("payrun.viewed", run, actor=actor(), detail={"page": page, "search": bool(q)})
    if is_fragment_request() and request.htmx.target == "employee-rows":
        return render("emak/_employee_rows.html", **context)
    return render("emak/run.html", **context)


@bp.post("/runs/<int:run_id>/finalise")
@roles("keuangan")
def finalise_run(run_id):
    run = _run_or_404(run_id)
    return act(
        lambda: runs.finalise_run(run.id, actor=actor()),
        back=_run_url(run.id),
        success=_("The pay run is final. Check the preview, then send the notices."),
        done=url_for("emak.preview_run", run_id=run.id),
    )


@bp.post("/runs/<int:run_id>/correction")
@roles("keuangan")
def create_correction(run_id):
    run = _run_or_404(run_id)
    return act(
        lambda: runs.create_correction(run.id, actor=actor()),
        back=_run_url(run.id),
        success=_(
            "A correction run was created from a copy of the lines. Change what was wrong, "
            "then finalise and send it."
        ),
        done=lambda new: _run_url(new.id),
    )


# ----- lines -----------------------------------------------------------------------------------


def _lines_form_page(run, form, employee=None, status=200):
    preview = _form_totals(form)
    return render(
        "emak/lines_form.html",
        _status=status,
        run=run,
        form=form,
        employee=employee,
        preview=preview,
        max_lines=len(comp.COMPONENTS),
    )


def _form_totals(form):
    """Live totals of the lines as typed (unparseable amounts are left out and marked)."""
    earnings = deductions = 0
    invalid = 0
    for entry in form.lines.entries:
        code = entry.form.component.data
        try:
            amount = parse_amount(entry.form.amount.data)
        except AmountError:
            if (entry.form.amount.data or "").strip():
                invalid += 1
            continue
        if code not in comp.BY_CODE:
            continue
        if comp.BY_CODE[code].is_deduction:
            deductions += amount
        else:
            earnings += amount
    return {
        "earnings": earnings,
        "deductions": deductions,
        "net": earnings - deductions,
        "invalid": invalid,
    }


@bp.route("/runs/<int:run_id>/lines", methods=["GET", "POST"])
@roles("keuangan")
def edit_lines(run_id):
    """One employee's lines: add or remove component rows (htmx), live totals, save."""
    run = _run_or_404(run_id)
    if not run.is_draft:
        return act(lambda: runs.require_draft(run), back=_run_url(run.id))
    form = EmployeeLinesForm()
    employee = None
    if request.method == "GET":
        employee_id = int_arg("employee")
        if employee_id:
            employee = User.get_or_none(User.id == employee_id) or abort(404)
            form.nip.data = employee.display_nip
            existing = queries.employee_lines(run, employee.id)
            if existing:
                while form.lines.entries:
                    form.lines.pop_entry()
                for line in existing:
                    form.lines.append_entry(
                        {"component": line.component, "amount": format_number(line.amount)}
                    )
        return _lines_form_page(run, form, employee)
    if not form.validate_on_submit():
        return _lines_form_page(run, form, status=422)
    try:
        employee = lines.find_employee(form.nip.data)
    except PayError as exc:
        put_on_form(form, exc, "nip")
        return _lines_form_page(run, form, status=422)
    try:
        lines.save_employee_lines(run.id, employee.id, form.parsed_lines(), actor=actor())
    except RunLocked as exc:  # finalised meanwhile: back to the run, as a refused button goes
        flash(exc.message, "danger")
        return redirect_to(_run_url(run.id))
    except PayError as exc:
        put_on_form(form, exc, "lines")
        return _lines_form_page(run, form, employee, status=422)
    flash(_("The lines of %(name)s were saved.", name=employee.name), "success")
    return redirect_to(_run_url(run.id))


@bp.post("/runs/<int:run_id>/lines/editor")
@roles("keuangan")
def line_editor(run_id):
    """Add or remove a component row of the lines form (htmx): the server re-renders the rows,
    so the form needs no script. Nothing is saved here."""
    run = _run_or_404(run_id)
    form = EmployeeLinesForm(meta={"csrf": False})
    op = request.form.get("op", "")
    if op == "add" and len(form.lines.entries) < len(comp.COMPONENTS):
        form.lines.append_entry()
    elif op.startswith("remove-") and op[7:].isdigit():
        index = int(op[7:])
        if 0 <= index < len(form.lines.entries):
            del form.lines.entries[index]
        if not form.lines.entries:
            form.lines.append_entry()
    return render_template(
        "emak/_line_editor.html",
        run=run,
        form=form,
        preview=_form_totals(form),
        max_lines=len(comp.COMPONENTS),
    )


@bp.post("/runs/<int:run_id>/lines/check-employee")
@roles("keuangan")
def check_employee(run_id):
    """Inline validation of the NIP field: the employee's name, or what is wrong."""
    _run_or_404(run_id)
    nip = request.form.get("nip", "").replace("\x00", "")
    try:
        employee = lines.find_employee(nip)
    except PayError as exc:
        return f'<div class="invalid-feedback d-block" id="fb-nip">{escape(str(exc.message))}</div>'
    return f'<div class="form-text text-success" id="fb-nip">{escape(employee.name)}</div>'


@bp.post("/runs/<int:run_id>/lines/totals")
@roles("keuangan")
def line_totals(run_id):
    """Live totals of the lines form as typed (POST so amounts stay out of URLs and logs)."""
    run = _run_or_404(run_id)
    form = EmployeeLinesForm(meta={"csrf": False})
    return render_template("emak/_line_totals.html", preview=_form_totals(form), run=run)


@bp.post("/runs/<int:run_id>/lines/<int:employee_id>/delete")
@roles("keuangan")
def delete_lines(run_id, employee_id):
    run = _run_or_404(run_id)
    employee = User.get_or_none(User.id == employee_id) or abort(404)

    def delete():
        if lines.delete_employee_lines(run.id, employee.id, actor=actor()):
            flash(_("The lines of %(name)s were removed.", name=employee.name), "success")

    return act(delete, back=_run_url(run.id))


@bp.route("/runs/<int:run_id>/import", methods=["GET", "POST"])
@roles("keuangan")
def import_lines(run_id):
    run = _run_or_404(run_id)
    if not run.is_draft:
        return act(lambda: runs.require_draft(run), back=_run_url(run.id))
    form = ImportForm()
    if request.method == "GET":
        return render("emak/import.html", run=run, form=form, result=None)
    if not form.validate_on_submit():
        return render_invalid("emak/import.html", run=run, form=form, result=None)
    upload = form.file.data
    data = upload.read()
    try:
        result = lines.import_lines(
            run.id,
            filename=upload.filename or "",
            data=data,
            replace=form.replace.data,
            actor=actor(),
        )
    except FileRejected as exc:
        return refuse_form(
            "emak/import.html", form, exc, default_field="file", run=run, result=None
        )
    except PayError as exc:  # the run went or became final meanwhile: back to it, as a button
        flash(exc.message, "danger")
        return redirect_to(_run_url(run.id))
    if result.errors:
        return render_invalid(
            "emak/import.html", run=run, form=form, result=result, filename=upload.filename
        )
    flash(
        _(
            "%(rows)s lines for %(employees)s employees were imported.",
            rows=len(result.lines),
            employees=result.employees,
        ),
        "success",
    )
    return redirect_to(_run_url(run.id))


@bp.get("/runs/import-template.csv")
@roles("keuangan")
def import_template():
    """A CSV to start from: the header and one example row per component."""
    rows = ["NIP;Komponen;Jumlah"]
    example = "198609262015051001"
    for c in comp.COMPONENTS[:3] + [comp.BY_CODE["iwp"], comp.BY_CODE["bpjs_kesehatan"]]:
        rows.append(f"{example};{c.code};1.234.567")
    response = make_response("\r\n".join(rows) + "\r\n")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = "attachment; filename=pay-lines-template.csv"
    return response


# ----- preview and sending ---------------------------------------------------------------------


@bp.get("/runs/<int:run_id>/preview")
@roles("keuangan")
def preview_run(run_id):
    run = _run_or_404(run_id)
    totals = queries.run_totals(run)
    missing_count, missing = queries.employees_without_line(run)
    chosen = int_arg("employee")
    if not chosen:
        first, _total = queries.employee_summaries(run, page=1, per_page=1)
        chosen = first[0]["id"] if first else None
    record("payrun.previewed", run, actor=actor())
    return render(
        "emak/preview.html",
        run=run,
        totals=totals,
        missing=missing,
        missing_count=missing_count,
        chosen=chosen,
        progress=queries.progress(run) if run.status in (SENDING, SENT) else None,
    )


def _preview_or_404(run, employee_id):
    found = notices.preview_context(run, employee_id)
    if found is None:
        abort(404)
    return found


@bp.get("/runs/<int:run_id>/preview/<int:employee_id>")
@roles("keuangan")
def preview_email(run_id, employee_id):
    """The e-mail as the employee will receive it, in their language (htmx fragment)."""
    run = _run_or_404(run_id)
    employee, context, language = _preview_or_404(run, employee_id)
    subject, text, _html = notices.render_notice(context, language)
    record("payrun.notice_previewed", run, actor=actor(), detail={"employee_id": employee.id})
    return render(
        "emak/_email_preview.html",
        run=run,
        employee=employee,
        subject=subject,
        text=text,
        language=language,
    )


@bp.get("/runs/<int:run_id>/preview/<int:employee_id>/html")
@roles("keuangan")
def preview_email_html(run_id, employee_id):
    run = _run_or_404(run_id)
    _employee, context, language = _preview_or_404(run, employee_id)
    response = make_response(notices.render_notice(context, language)[2])
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    # Rendered mail: no scripts, no same-origin access, no remote loads.
    response.headers["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    )
    return response


@bp.get("/runs/<int:run_id>/employees")
@roles("keuangan")
def search_employees(run_id):
    """Active search over the run's employees for the e-mail preview (htmx)."""
    run = _run_or_404(run_id)
    rows, total = queries.employee_summaries(run, q=_search_text(), page=1, per_page=20)
    return render_template("emak/_preview_choices.html", run=run, rows=rows, total=total)


@bp.post("/runs/<int:run_id>/send")
@roles("keuangan")
def send_run(run_id):
    run = _run_or_404(run_id)

    def send():
        result = sending.send_run(run.id, actor=actor())
        if result.already:
            flash(_("The notices of this run were already sent; nothing was sent again."), "info")
        else:
            flash(_("%(count)s notices were queued for sending.", count=result.queued), "success")

    return act(send, back=_run_url(run.id), done=url_for("emak.show_deliveries", run_id=run.id))


@bp.get("/runs/<int:run_id>/progress")
@roles("keuangan")
def show_progress(run_id):
    """The progress bar (htmx polling): queued / sent / failed, live."""
    run = _run_or_404(run_id)
    response = make_response(
        render_template("emak/_progress.html", run=run, progress=queries.progress(run))
    )
    response.headers["HX-Trigger"] = "emak-progress"  # the delivery rows refresh with the bar
    return response


@bp.get("/runs/<int:run_id>/deliveries")
@roles("keuangan")
def show_deliveries(run_id):
    run = _run_or_404(run_id)
    status = request.args.get("status", "")
    page = page_arg()
    rows, total = queries.deliveries(run, status=status, page=page, per_page=PAGE_SIZE)
    context = dict(
        run=run,
        rows=rows,
        status=status,
        page=page,
        total=total,
        pages=max(1, -(-total // PAGE_SIZE)),
        progress=queries.progress(run),
    )
    if is_fragment_request() and request.htmx.target == "delivery-rows":
        return render("emak/_delivery_rows.html", **context)
    return render("emak/deliveries.html", **context)


@bp.post("/runs/<int:run_id>/resend")
@roles("keuangan")
def resend_failed(run_id):
    run = _run_or_404(run_id)

    def resend():
        count = sending.resend_failed(run.id, actor=actor())
        if count:
            flash(_("%(count)s failed notices will be sent again.", count=count), "success")
        else:
            flash(_("No notice of this run has failed; nothing was sent again."), "info")

    return act(resend, back=_run_url(run.id), done=url_for("emak.show_deliveries", run_id=run.id))


# ----- my pay slips ----------------------------------------------------------------------------


@bp.get("/slips")
@roles(SIGNED_IN)
def my_notices():
    page = page_arg()
    query = queries.visible_notices(current_user.id)
    total = query.count()
    shown = list(query.paginate(page, 24))
    return render("emak/my_notices.html", notices=shown, page=page, pages=max(1, -(-total // 24)))


@bp.get("/slips/<int:notice_id>")
@roles(SIGNED_IN)
def show_notice(notice_id):
    notice = queries.visible_notices(current_user.id).where(PayNotice.id == notice_id).first()
    require(notice is not None)  # someone else's notice, or not yet sent: 404
    run = notice.run
    its_lines = queries.employee_lines(run, current_user.id)
    record("paynotice.read", notice, actor=actor(), detail={"run_id": run.id})
    return render("emak/notice.html", notice=notice, run=run, lines=its_lines)
