"""The registry's pages: the permit and foreigner lists, a foreigner's page, and the forms that
register and change foreigners and their permits."""

from flask import abort, flash, request, url_for
from flask_babel import gettext as _

from ...audit.services import record
from ...core.actor import actor
from ...core.args import date_id_cursor_arg, int_arg, text_arg
from ...core.refusals import act, refuse_form
from ...core.responses import redirect_to, render, render_invalid
from ...policy import roles
from .. import labels, presenters, queries, settings
from ..dates import as_date, extension_window, wib_today
from ..forms import CancelPermitForm, ForeignerForm, PermitForm
from ..models import PERMIT_TYPES, Application, Foreigner, Permit, PermitWarning
from ..services import registry
from ..services.common import OwlError
from ..services.lookups import lookup_passport
from ..services.overstay import overstay_figures
from .blueprint import REGISTRY_READ, bp, wants_rows

# ----- lists -------------------------------------------------------------------------------------


@bp.get("/permits")
@roles(*REGISTRY_READ)
def list_permits():
    today = wib_today()
    state = request.args.get("state", "valid")
    state = state if state in presenters.PERMIT_STATES else "valid"
    ptype = request.args.get("type", "")
    ptype = ptype if ptype in PERMIT_TYPES else ""
    q = text_arg("q", 60)
    cursor = None if q else date_id_cursor_arg("after")
    rows = queries.permit_page(today, state, ptype, q, cursor)
    more = len(rows) > queries.PAGE_SIZE
    rows = rows[: queries.PAGE_SIZE]
    next_cursor = None
    if more and not q:
        last = rows[-1]
        next_cursor = f"{as_date(last[3]).isoformat()}_{last[0]}"
    context = dict(
        permits_html=presenters.permit_rows(rows, today, url_for("owl.list_foreigners") + "/"),
        today=today,
        state=state,
        ptype=ptype,
        q=q,
        next_cursor=next_cursor,
        first_page=cursor is None,
        states=presenters.state_labels(),
        filter_args={"state": state, "type": ptype},
    )
    if wants_rows("permit-rows"):
        return render("owl/_permit_rows.html", **context)
    return render("owl/permits.html", **context)


@bp.get("/foreigners")
@roles(*REGISTRY_READ)
def list_foreigners():
    q = text_arg("q", 100)
    nationality = text_arg("nationality", 2).upper()
    before = int_arg("before")
    foreigners = queries.foreigner_page(q, nationality, before)
    more = len(foreigners) > queries.PAGE_SIZE
    foreigners = foreigners[: queries.PAGE_SIZE]
    context = dict(
        foreigners=foreigners,
        permits=queries.latest_permits(foreigners),
        q=q,
        nationality=nationality,
        next_before=foreigners[-1].id if more else None,
        first_page=before is None,
        today=wib_today(),
        countries=labels.country_choices(),
    )
    if wants_rows("foreigner-rows"):
        return render("owl/_foreigner_rows.html", **context)
    return render("owl/foreigners.html", **context)


# ----- foreigners --------------------------------------------------------------------------------


def foreigner_or_404(foreigner_id):
    return Foreigner.get_or_none(Foreigner.id == foreigner_id) or abort(404)


def _foreigner_fields(form):
    return {name: form[name].data for name in registry.FOREIGNER_FIELDS}


@bp.route("/foreigners/new", methods=["GET", "POST"])
@roles("izin_tinggal")
def create_foreigner():
    form = ForeignerForm()
    if form.validate_on_submit():
        try:
            foreigner = registry.create_foreigner(actor=actor(), **_foreigner_fields(form))
        except OwlError as exc:
            return refuse_form(
                "owl/foreigner_form.html",
                form,
                exc,
                default_field="passport_number",
                foreigner=None,
            )
        flash(_("%(name)s was registered.", name=foreigner.name), "success")
        return redirect_to(url_for("owl.show_foreigner", foreigner_id=foreigner.id))
    if request.method == "POST":
        return render_invalid("owl/foreigner_form.html", form=form, foreigner=None)
    return render("owl/foreigner_form.html", form=form, foreigner=None)


@bp.route("/foreigners/<int:foreigner_id>/edit", methods=["GET", "POST"])
@roles("izin_tinggal")
def edit_foreigner(foreigner_id):
    foreigner = foreigner_or_404(foreigner_id)
    form = ForeignerForm(obj=foreigner if request.method == "GET" else None)
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                registry.update_foreigner(foreigner, actor=actor(), **_foreigner_fields(form))
            except OwlError as exc:
                return refuse_form(
                    "owl/foreigner_form.html",
                    form,
                    exc,
                    default_field="passport_number",
                    foreigner=foreigner,
                )
            flash(_("Changes to %(name)s were saved.", name=foreigner.name), "success")
            return redirect_to(url_for("owl.show_foreigner", foreigner_id=foreigner.id))
        return render_invalid("owl/foreigner_form.html", form=form, foreigner=foreigner)
    return render("owl/foreigner_form.html", form=form, foreigner=foreigner)


def _timeline(foreigner, permits, applications, today):
    events = []
    for p in permits:
        events.append((as_date(p.issue_date), "permit_issued", p))
        if as_date(p.expiry_date) <= today:
            events.append((as_date(p.expiry_date), "permit_expired", p))
    for a in applications:
        events.append((as_date(a.received_on), "application_received", a))
        if a.decided_on:
            events.append((as_date(a.decided_on), "application_decided", a))
    warnings = PermitWarning.select().where(
        PermitWarning.permit.in_([p.id for p in permits] or [0])
    )
    for w in warnings:
        events.append((as_date(w.scan_date), "warning", w))
    events.sort(key=lambda e: (e[0], e[1]), reverse=True)
    return events


@bp.get("/foreigners/<int:foreigner_id>")
@roles(*REGISTRY_READ)
def show_foreigner(foreigner_id):
    foreigner = foreigner_or_404(foreigner_id)
    today = wib_today()
    permits = list(
        Permit.select()
        .where(Permit.foreigner == foreigner.id)
        .order_by(Permit.issue_date.desc(), Permit.id.desc())
    )
    applications = list(
        Application.select()
        .where(Application.foreigner == foreigner.id)
        .order_by(Application.received_on.desc(), Application.id.desc())
    )
    current = next((p for p in permits if p.status == "active"), None)
    lookup = lookup_passport(foreigner.passport_number, today)
    record("owl.foreigner.viewed", foreigner, detail={})
    return render(
        "owl/foreigner.html",
        foreigner=foreigner,
        permits=permits,
        applications=applications,
        current=current,
        today=today,
        timeline=_timeline(foreigner, permits, applications, today),
        in_process=lookup.extension_in_process if lookup else False,
        cancel_form=CancelPermitForm(),
        window=(
            extension_window(as_date(current.expiry_date), settings.public_holidays())
            if current
            else None
        ),
        figures=(
            overstay_figures(current.expiry_date, today)
            if current and as_date(current.expiry_date) < today
            else None
        ),
    )


# ----- permits: add, edit, cancel ----------------------------------------------------------------


def _permit_fields(form):
    return dict(
        permit_type=form.permit_type.data,
        subtype=form.subtype.data,
        permit_number=form.permit_number.data,
        registration_number=form.registration_number.data,
        issue_date=form.issue_date.data,
        expiry_date=form.expiry_date.data,
    )


@bp.route("/foreigners/<int:foreigner_id>/permits/new", methods=["GET", "POST"])
@roles("izin_tinggal")
def create_permit(foreigner_id):
    foreigner = foreigner_or_404(foreigner_id)
    form = PermitForm()
    if request.method == "GET":
        latest = registry.current_permit(foreigner.id)
        if latest:
            form.registration_number.data = latest.registration_number
    if form.validate_on_submit():
        try:
            registry.add_permit(foreigner, actor=actor(), **_permit_fields(form))
        except OwlError as exc:
            return refuse_form(
                "owl/permit_form.html",
                form,
                exc,
                default_field="permit_number",
                foreigner=foreigner,
                permit=None,
            )
        flash(_("The permit was recorded."), "success")
        return redirect_to(url_for("owl.show_foreigner", foreigner_id=foreigner.id))
    if request.method == "POST":
        return render_invalid("owl/permit_form.html", form=form, foreigner=foreigner, permit=None)
    return render("owl/permit_form.html", form=form, foreigner=foreigner, permit=None)


@bp.route("/permits/<int:permit_id>/edit", methods=["GET", "POST"])
@roles("izin_tinggal")
def edit_permit(permit_id):
    permit = Permit.get_or_none(Permit.id == permit_id) or abort(404)
    form = PermitForm(obj=permit if request.method == "GET" else None)
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                registry.update_permit(permit, actor=actor(), **_permit_fields(form))
            except OwlError as exc:
                return refuse_form(
                    "owl/permit_form.html",
                    form,
                    exc,
                    default_field="permit_number",
                    foreigner=permit.foreigner,
                    permit=permit,
                )
            flash(_("The permit was updated."), "success")
            return redirect_to(url_for("owl.show_foreigner", foreigner_id=permit.foreigner_id))
        return render_invalid(
            "owl/permit_form.html", form=form, foreigner=permit.foreigner, permit=permit
        )
    return render("owl/permit_form.html", form=form, foreigner=permit.foreigner, permit=permit)


@bp.post("/permits/<int:permit_id>/cancel")
@roles("izin_tinggal")
def cancel_permit(permit_id):
    permit = Permit.get_or_none(Permit.id == permit_id) or abort(404)
    form = CancelPermitForm()
    back = url_for("owl.show_foreigner", foreigner_id=permit.foreigner_id)
    if not form.validate_on_submit():
        flash(_("Choose a reason."), "danger")
        return redirect_to(back)
    return act(
        lambda: registry.cancel_permit(permit, form.reason.data, actor=actor()),
        back=back,
        success=_("The permit was cancelled."),
    )
