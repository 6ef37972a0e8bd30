"""Si Owl's pages: registry, applications, overstay, compliance, disruption notices, settings,
and the public status page with its JSON twin. Views parse, call a service, render."""

import dataclasses
import datetime as dt

from flask import Blueprint, abort, flash, jsonify, make_response, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from peewee import fn

from .. import policy
from ..audit.services import record
from ..core.args import int_arg, page_arg, parse_date, parse_int
from ..core.filters import WIB
from ..core.responses import redirect_to, render, render_invalid
from ..extensions import db
from ..models import utcnow
from ..policy import public, roles
from . import dates, labels, ratelimit, reports, settings, templating
from .dates import as_date, wib_today
from .forms import (
    ApplicationForm,
    CancelPermitForm,
    CompleteApplicationForm,
    DisruptionForm,
    FollowUpForm,
    ForeignerForm,
    PermitForm,
    RejectApplicationForm,
    ResolveDisruptionForm,
    SettingsForm,
    StatusForm,
    holidays_text,
)
from .models import (
    OPEN_APPLICATION_STATUSES,
    PERMIT_TYPES,
    Application,
    Disruption,
    Foreigner,
    OverstayCase,
    OverstayDigest,
    OverstayFollowUp,
    Permit,
    PermitWarning,
    normalize_number,
    normalize_passport,
)
from .services import applications as application_services
from .services import disruptions as disruption_services
from .services import lookups, registry
from .services import overstay as overstay_services
from .services.common import OwlError

bp = Blueprint("owl", __name__, url_prefix="/owl")
bp.record_once(lambda state: templating.register(state.app))

NAV = [("owl.dashboard", _l("Stay permits"))]

REGISTRY_READ = ("izin_tinggal", "kepala")
OVERSTAY_READ = ("inteldakim", "kepala")
REPORT_READ = ("izin_tinggal", "inteldakim", "kepala")
OWL_ANY = ("izin_tinggal", "inteldakim", "kepala", "admin")

PAGE_SIZE = 50

TABS = [
    ("owl.dashboard", _l("Overview")),
    ("owl.list_permits", _l("Permits")),
    ("owl.list_foreigners", _l("Foreigners")),
    ("owl.list_applications", _l("Applications")),
    ("owl.list_overstays", _l("Overstay")),
    ("owl.compliance", _l("Compliance")),
    ("owl.list_disruptions", _l("Disruption notices")),
    ("owl.edit_settings", _l("Settings")),
]


def _tabs(user):
    """(endpoint, href, label) of the section tabs this user may open, cached per language and
    role set: every Si Owl page shows them."""
    from flask import current_app

    cache = current_app.extensions.setdefault("owl_tabs", {})
    key = (str(get_locale() or "id"), user.role_names if user is not None else frozenset())
    tabs = cache.get(key)
    if tabs is None:
        tabs = cache[key] = [
            (endpoint, url_for(endpoint), str(label))
            for endpoint, label in TABS
            if policy.admits(policy.policy_for(endpoint), user)
        ]
    return tabs


@bp.context_processor
def _owl_context():
    user = current_user if current_user.is_authenticated else None
    return {"owl_tabs": _tabs(user), "L": labels, "country_name": labels.country_name}


def _actor():
    return current_user._get_current_object()


def _text_arg(name, limit):
    """A query-string text, without control characters (they never reach the database)."""
    value = request.args.get(name) or ""
    return "".join(ch for ch in value if ch.isprintable()).strip()[:limit]


def _to_utc(local_naive):
    return local_naive.replace(tzinfo=WIB).astimezone(dt.UTC).replace(tzinfo=None)


def _to_wib_naive(utc_naive):
    return utc_naive.replace(tzinfo=dt.UTC).astimezone(WIB).replace(tzinfo=None)


def _wants_rows(target):
    return request.htmx and not request.htmx.boosted and request.htmx.target == target


# ----- overview ----------------------------------------------------------------------------------


@bp.get("/")
@roles(*OWL_ANY)
def dashboard():
    today = wib_today()
    user = _actor()
    figures = {}
    if user.has_role(*REGISTRY_READ):
        active = Permit.select().where(Permit.status == "active")
        figures["expiring_30"] = active.where(
            Permit.expiry_date.between(today, today + dt.timedelta(days=30))
        ).count()
        figures["expiring_60"] = active.where(
            Permit.expiry_date.between(today, today + dt.timedelta(days=60))
        ).count()
        figures["received"] = Application.select().where(Application.status == "received").count()
        figures["in_process"] = (
            Application.select().where(Application.status == "in_process").count()
        )
        figures["mine"] = (
            Application.select()
            .where((Application.status == "in_process") & (Application.officer == user.id))
            .count()
        )
        figures["warnings_today"] = (
            PermitWarning.select().where(PermitWarning.scan_date == today).count()
        )
    if user.has_role(*OVERSTAY_READ):
        open_cases = OverstayCase.select().where(OverstayCase.status == "open")
        figures["overstay_open"] = open_cases.count()
        figures["overstay_escalated"] = open_cases.where(
            OverstayCase.escalated_on.is_null(False)
        ).count()
        figures["overstay_new_today"] = open_cases.where(OverstayCase.opened_on == today).count()
        figures["last_digest"] = OverstayDigest.select().order_by(OverstayDigest.id.desc()).first()
    disruptions = disruption_services.current_disruptions()
    return render("owl/dashboard.html", figures=figures, today=today, disruptions=disruptions)


# ----- permits -----------------------------------------------------------------------------------

PERMIT_STATES = {
    "valid": _l("Valid"),
    "expiring_30": _l("Expiring within 30 days"),
    "expiring": _l("Expiring within 60 days"),
    "expired": _l("Expired, not renewed"),
    "replaced": _l("Replaced"),
    "cancelled": _l("Cancelled"),
}


def _parse_cursor(value):
    """The permit list's "after" cursor: "<expiry date>_<permit id>"."""
    day, _sep, ident = (value or "").partition("_")
    day, ident = parse_date(day), parse_int(ident)
    return (day, ident) if day and ident else None


def expiry_badge(status, cancel_reason, days_left, _cache=None):
    """(css class, text) of a permit's state: replaced, cancelled, overstay, days left, valid."""
    if status == "replaced":
        return "secondary", str(labels.PERMIT_STATUS_LABELS["replaced"])
    if status == "cancelled":
        text = str(labels.PERMIT_STATUS_LABELS["cancelled"])
        if cancel_reason in labels.CANCEL_REASON_LABELS:
            text += f": {labels.CANCEL_REASON_LABELS[cancel_reason]}"
        return "secondary", text
    if days_left < 0:
        return "danger", ngettext("Overstay %(num)d day", "Overstay %(num)d days", -days_left)
    if days_left <= 60:
        return (
            "warning" if days_left <= 30 else "info",
            ngettext("%(num)d day left", "%(num)d days left", days_left),
        )
    return "success", _("Valid")


# One row of the permit list, written in one go: the list is the page staff open most, over a
# million permits, and writing its 50 rows field by field in Jinja cost more than the query.
_PERMIT_ROW = (
    '<tr><td><span class="badge text-bg-light border">{ptype}</span> '
    '<span class="font-monospace small">{number}</span></td>'
    '<td><a href="{base}{fid}">{name}</a></td>'
    '<td class="d-none d-md-table-cell small">{nationality}</td>'
    '<td class="text-nowrap">{expiry}</td>'
    '<td><span class="badge text-bg-{badge_class}">{badge_text}</span></td></tr>\n'
)


# Escaped display text per language, shared by requests: dates, badges (by status, cancel
# reason and days left, which hold no other input), country names and whole rows (by their
# columns, today and the link prefix). Bounded; cleared when full.
_SHOWN = {}
_SHOWN_KEPT = 20_000


def _shown(locale):
    cache = _SHOWN.get(locale)
    if cache is None or len(cache) > _SHOWN_KEPT:
        cache = _SHOWN[locale] = {}
    return cache


def _state_labels():
    shown = _shown(str(get_locale() or "id"))
    states = shown.get("states")
    if states is None:
        states = shown["states"] = {key: str(label) for key, label in PERMIT_STATES.items()}
    return states


def _permit_rows(rows, today, foreigner_base):
    """The rows of the permit list as markup: dates, badges and country names worked out (and
    escaped) once per distinct value and language, names and numbers escaped per row."""
    locale = str(get_locale() or "id")
    shown = _shown(locale)
    names = None
    base = escape(foreigner_base)
    out = []
    for row in rows:
        # A row's markup depends on its columns, today (days left) and the link prefix only.
        row_key = (today, foreigner_base, row)
        html = shown.get(row_key)
        if html is not None:
            out.append(html)
            continue
        _pid, ptype, number, expiry, status, reason, fid, name, nat = row
        expiry = as_date(expiry)
        text = shown.get(expiry)
        if text is None:
            text = shown[expiry] = escape(labels.short_date(expiry, locale))
        key = (status, reason, (expiry - today).days)
        badge = shown.get(key)
        if badge is None:
            css, label = expiry_badge(*key)
            badge = shown[key] = (escape(css), escape(label))
        country = shown.get(nat)
        if country is None:
            names = names or labels.country_names(locale)
            country = shown[nat] = escape(names.get(nat, nat))
        html = shown[row_key] = _PERMIT_ROW.format(
            ptype=escape(ptype),
            number=escape(number),
            base=base,
            fid=int(fid),
            name=escape(name),
            nationality=country,
            expiry=text,
            badge_class=badge[0],
            badge_text=badge[1],
        )
        out.append(html)
    return Markup("".join(out))  # noqa: S704 - every value above is escaped or a number


PERMIT_LIST_SQL = (
    "SELECT p.id, p.permit_type, p.permit_number, p.expiry_date, p.status, p.cancel_reason, "
    'f.id, f.name, f.nationality FROM "{permit}" AS p JOIN "{foreigner}" AS f '
    "ON f.id = p.foreigner_id WHERE {where} "
    "ORDER BY p.expiry_date {order}, p.id {order} LIMIT {limit}"
)


def _permit_page(today, state, ptype, q, cursor):
    """One page of the permit list: plain SQL on the (status, expiry_date, id) index with a
    keyset cursor, so the millionth row costs what the first does (no OFFSET, no COUNT)."""
    param = db.param
    where, params = [], []
    descending = state in ("expired", "replaced", "cancelled")
    if q:
        descending = True
        key = normalize_number(q)
        match = [f"p.permit_number = {param}", f"p.registration_number = {param}"]
        params += [key, key]
        passport_ids = [
            f.id
            for f in Foreigner.select(Foreigner.id)
            .where(Foreigner.passport_key == normalize_passport(q))
            .limit(20)
        ]
        if passport_ids:
            match.append("p.foreigner_id IN (" + ", ".join([param] * len(passport_ids)) + ")")
            params += passport_ids
        where.append("(" + " OR ".join(match) + ")")
    else:
        where.append(f"p.status = {param}")
        params.append(
            "active" if state in ("valid", "expiring_30", "expiring", "expired") else state
        )
        if state == "valid":
            where.append(f"p.expiry_date >= {param}")
            params.append(today.isoformat())
        elif state in ("expiring_30", "expiring"):
            days = 30 if state == "expiring_30" else 60  # the overview's two figures
            where.append(f"p.expiry_date >= {param} AND p.expiry_date <= {param}")
            params += [today.isoformat(), (today + dt.timedelta(days=days)).isoformat()]
        elif state == "expired":
            where.append(f"p.expiry_date < {param}")
            params.append(today.isoformat())
    if ptype:
        where.append(f"p.permit_type = {param}")
        params.append(ptype)
    if cursor:
        day, ident = cursor
        op = "<" if descending else ">"
        where.append(
            f"p.expiry_date {op}= {param} AND (p.expiry_date {op} {param} OR p.id {op} {param})"
        )
        params += [day.isoformat(), day.isoformat(), ident]
    sql = PERMIT_LIST_SQL.format(
        permit=Permit._meta.table_name,
        foreigner=Foreigner._meta.table_name,
        where=" AND ".join(where),
        order="DESC" if descending else "ASC",
        limit=PAGE_SIZE + 1,
    )
    return list(db.execute_sql(sql, params).fetchall())


@bp.get("/permits")
@roles(*REGISTRY_READ)
def list_permits():
    today = wib_today()
    state = request.args.get("state", "valid")
    state = state if state in PERMIT_STATES else "valid"
    ptype = request.args.get("type", "")
    ptype = ptype if ptype in PERMIT_TYPES else ""
    q = _text_arg("q", 60)
    cursor = None if q else _parse_cursor(request.args.get("after"))
    rows = _permit_page(today, state, ptype, q, cursor)
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    next_cursor = None
    if more and not q:
        last = rows[-1]
        next_cursor = f"{as_date(last[3]).isoformat()}_{last[0]}"
    context = dict(
        permits_html=_permit_rows(rows, today, url_for("owl.list_foreigners") + "/"),
        today=today,
        state=state,
        ptype=ptype,
        q=q,
        next_cursor=next_cursor,
        first_page=cursor is None,
        states=_state_labels(),
        filter_args={"state": state, "type": ptype},
    )
    if _wants_rows("permit-rows"):
        return render("owl/_permit_rows.html", **context)
    return render("owl/permits.html", **context)


# ----- foreigners --------------------------------------------------------------------------------


@bp.get("/foreigners")
@roles(*REGISTRY_READ)
def list_foreigners():
    q = _text_arg("q", 100)
    nationality = _text_arg("nationality", 2).upper()
    before = int_arg("before")
    query = Foreigner.select().order_by(Foreigner.id.desc())
    if q:
        key = normalize_passport(q)
        cond = fn.LOWER(Foreigner.name).contains(q.lower())
        if key:
            cond = cond | (Foreigner.passport_key == key)
        if "@" in q:
            cond = cond | (Foreigner.email == q.lower())
        query = query.where(cond)
    if nationality:
        query = query.where(Foreigner.nationality == nationality)
    if before:
        query = query.where(Foreigner.id < before)
    foreigners = list(query.limit(PAGE_SIZE + 1))
    more = len(foreigners) > PAGE_SIZE
    foreigners = foreigners[:PAGE_SIZE]
    permits = {}
    if foreigners:
        rows = (
            Permit.select()
            .where(Permit.foreigner.in_([f.id for f in foreigners]))
            .order_by(Permit.issue_date, Permit.id)
        )
        for p in rows:
            permits[p.foreigner_id] = p  # the latest wins
    context = dict(
        foreigners=foreigners,
        permits=permits,
        q=q,
        nationality=nationality,
        next_before=foreigners[-1].id if more else None,
        first_page=before is None,
        today=wib_today(),
        countries=labels.country_choices(),
    )
    if _wants_rows("foreigner-rows"):
        return render("owl/_foreigner_rows.html", **context)
    return render("owl/foreigners.html", **context)


def _foreigner_or_404(foreigner_id):
    return Foreigner.get_or_none(Foreigner.id == foreigner_id) or abort(404)


def _foreigner_fields(form):
    return {name: form[name].data for name in registry.FOREIGNER_FIELDS}


@bp.route("/foreigners/new", methods=["GET", "POST"])
@roles("izin_tinggal")
def create_foreigner():
    form = ForeignerForm()
    if form.validate_on_submit():
        try:
            foreigner = registry.create_foreigner(actor=_actor(), **_foreigner_fields(form))
        except OwlError as exc:
            form.passport_number.errors.append(str(exc))
        else:
            flash(_("%(name)s was registered.", name=foreigner.name), "success")
            return redirect_to(url_for("owl.show_foreigner", foreigner_id=foreigner.id))
    if request.method == "POST":
        return render_invalid("owl/foreigner_form.html", form=form, foreigner=None)
    return render("owl/foreigner_form.html", form=form, foreigner=None)


@bp.route("/foreigners/<int:foreigner_id>/edit", methods=["GET", "POST"])
@roles("izin_tinggal")
def edit_foreigner(foreigner_id):
    foreigner = _foreigner_or_404(foreigner_id)
    form = ForeignerForm(obj=foreigner if request.method == "GET" else None)
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                registry.update_foreigner(foreigner, actor=_actor(), **_foreigner_fields(form))
            except OwlError as exc:
                form.passport_number.errors.append(str(exc))
            else:
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
    foreigner = _foreigner_or_404(foreigner_id)
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
    lookup = lookups.lookup_passport(foreigner.passport_number, today)
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
            dates.extension_window(as_date(current.expiry_date), settings.public_holidays())
            if current
            else None
        ),
        figures=(
            overstay_services.overstay_figures(current.expiry_date, today)
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
    foreigner = _foreigner_or_404(foreigner_id)
    form = PermitForm()
    if request.method == "GET":
        latest = registry.current_permit(foreigner.id)
        if latest:
            form.registration_number.data = latest.registration_number
    if form.validate_on_submit():
        try:
            registry.add_permit(foreigner, actor=_actor(), **_permit_fields(form))
        except OwlError as exc:
            form.permit_number.errors.append(str(exc))
        else:
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
                registry.update_permit(permit, actor=_actor(), **_permit_fields(form))
            except OwlError as exc:
                form.permit_number.errors.append(str(exc))
            else:
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
    if form.validate_on_submit():
        try:
            registry.cancel_permit(permit, form.reason.data, actor=_actor())
            flash(_("The permit was cancelled."), "success")
        except OwlError as exc:
            flash(str(exc), "danger")
    else:
        flash(_("Choose a reason."), "danger")
    return redirect_to(url_for("owl.show_foreigner", foreigner_id=permit.foreigner_id))


# ----- applications ------------------------------------------------------------------------------


@bp.route("/foreigners/<int:foreigner_id>/applications/new", methods=["GET", "POST"])
@roles("izin_tinggal")
def create_application(foreigner_id):
    foreigner = _foreigner_or_404(foreigner_id)
    form = ApplicationForm()
    current = registry.active_permit(foreigner.id)
    if request.method == "GET":
        form.received_on.data = wib_today()
        if current:
            form.requested_type.data = current.permit_type
    if form.validate_on_submit():
        try:
            application = application_services.receive_application(
                foreigner,
                kind=form.kind.data,
                requested_type=form.requested_type.data,
                received_on=form.received_on.data,
                notes=form.notes.data,
                actor=_actor(),
            )
        except OwlError as exc:
            form.kind.errors.append(str(exc))
        else:
            flash(_("Application %(number)s was received.", number=application.number), "success")
            return redirect_to(url_for("owl.show_application", application_id=application.id))
    template_args = dict(form=form, foreigner=foreigner, current=current)
    if request.method == "POST":
        return render_invalid("owl/application_form.html", **template_args)
    return render("owl/application_form.html", **template_args)


APPLICATION_FILTERS = ("open", "received", "in_process", "mine", "completed", "rejected", "all")


@bp.get("/applications")
@roles(*REGISTRY_READ)
def list_applications():
    status = request.args.get("status", "open")
    status = status if status in APPLICATION_FILTERS else "open"
    before = int_arg("before")
    query = (
        Application.select(Application, Foreigner)
        .join(Foreigner, on=(Application.foreigner == Foreigner.id))
        .order_by(Application.id.desc())
    )
    if status == "open":
        query = query.where(Application.status.in_(OPEN_APPLICATION_STATUSES))
    elif status == "mine":
        query = query.where(
            (Application.officer == current_user.id)
            & Application.status.in_(OPEN_APPLICATION_STATUSES)
        )
    elif status != "all":
        query = query.where(Application.status == status)
    if before:
        query = query.where(Application.id < before)
    applications = list(query.limit(PAGE_SIZE + 1))
    more = len(applications) > PAGE_SIZE
    applications = applications[:PAGE_SIZE]
    officers = {}
    ids = {a.officer_id for a in applications if a.officer_id}
    if ids:
        from ..people.models import User

        officers = {u.id: u.name for u in User.select(User.id, User.name).where(User.id.in_(ids))}
    return render(
        "owl/applications.html",
        applications=applications,
        filter_status=status,
        officers=officers,
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
    days = dates.working_days_between(
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
    try:
        application_services.start_processing(application, _actor())
        flash(_("You are now processing %(number)s.", number=application.number), "success")
    except OwlError as exc:
        flash(str(exc), "danger")
    return redirect_to(url_for("owl.show_application", application_id=application.id))


@bp.post("/applications/<int:application_id>/complete")
@roles("izin_tinggal")
def complete_application(application_id):
    application = _application_or_404(application_id)
    form = CompleteApplicationForm()
    if form.validate_on_submit():
        try:
            application_services.complete_application(
                application,
                permit_number=form.permit_number.data,
                registration_number=form.registration_number.data,
                subtype=form.subtype.data,
                issue_date=form.issue_date.data,
                expiry_date=form.expiry_date.data,
                actor=_actor(),
            )
        except OwlError as exc:
            form.permit_number.errors.append(str(exc))
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
            application_services.reject_application(
                application, reason=form.reason.data, actor=_actor()
            )
        except OwlError as exc:
            form.reason.errors.append(str(exc))
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


# ----- overstay ----------------------------------------------------------------------------------


@bp.get("/overstay")
@roles(*OVERSTAY_READ)
def list_overstays():
    today = wib_today()
    show = request.args.get("show", "open")
    show = show if show in ("open", "escalated", "closed") else "open"
    nationality = _text_arg("nationality", 2).upper()
    page = page_arg()
    query = (
        OverstayCase.select(OverstayCase, Permit, Foreigner)
        .join(Permit, on=(OverstayCase.permit == Permit.id))
        .switch(OverstayCase)
        .join(Foreigner, on=(OverstayCase.foreigner == Foreigner.id))
    )
    if show == "closed":
        query = query.where(OverstayCase.status == "closed").order_by(
            OverstayCase.closed_on.desc(), OverstayCase.id.desc()
        )
    else:
        query = query.where(OverstayCase.status == "open").order_by(
            OverstayCase.expiry_date, OverstayCase.id
        )
        if show == "escalated":
            query = query.where(OverstayCase.escalated_on.is_null(False))
    if nationality:
        query = query.where(Foreigner.nationality == nationality)
    cases = list(query.paginate(page, PAGE_SIZE + 1))
    more = len(cases) > PAGE_SIZE
    cases = cases[:PAGE_SIZE]
    rate, threshold = settings.overstay_rate(), settings.escalation_days()
    figures = {
        c.id: overstay_services.overstay_figures(c.expiry_date, today, rate, threshold)
        for c in cases
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
        figures=overstay_services.overstay_figures(case.expiry_date, end),
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
            overstay_services.record_follow_up(
                case,
                action=form.action.data,
                action_date=form.action_date.data,
                notes=form.notes.data,
                actor=_actor(),
            )
        except OwlError as exc:
            form.action.errors.append(str(exc))
        else:
            flash(_("The follow-up was recorded."), "success")
            return redirect_to(url_for("owl.show_case", case_id=case.id))
    return _case_page(case, form=form, status=422)


@bp.post("/overstay/<int:case_id>/close")
@roles("inteldakim")
def close_case(case_id):
    case = _case_or_404(case_id)
    try:
        overstay_services.close_case(case, actor=_actor())
        flash(_("The case was closed."), "success")
    except OwlError as exc:
        flash(str(exc), "danger")
    return redirect_to(url_for("owl.show_case", case_id=case.id))


# ----- compliance --------------------------------------------------------------------------------


def _report_args():
    months = int_arg("months", 12)
    months = months if months in (6, 12, 24) else 12
    nationality = _text_arg("nationality", 2).upper()
    return months, nationality


@bp.get("/compliance")
@roles(*REPORT_READ)
def compliance():
    today = wib_today()
    months, nationality = _report_args()
    report = reports.compliance(today, months, nationality or None)
    perf = reports.processing(today, months)
    top = report.nationalities[:10]
    chart = {
        "labels": {
            "rate": _("Renewed before expiry (%)"),
            "overstays": _("Overstay cases opened"),
            "average": _("Average working days"),
            "standard": _("Service standard"),
        },
        "months": [r["month"] for r in report.months],
        "rate": [
            round(r["rate"] * 100, 1) if r["rate"] is not None else None for r in report.months
        ],
        "overstays": [r["opened"] for r in report.overstays_by_month],
        "nationalities": [labels.country_name(r["code"]) for r in top],
        "nationality_rate": [
            round(r["rate"] * 100, 1) if r["rate"] is not None else None for r in top
        ],
        "officers": [o["name"] or _("Unassigned") for o in perf.officers],
        "officer_average": [round(o["average"], 2) for o in perf.officers],
        "standard": perf.standard,
    }
    return render(
        "owl/compliance.html",
        report=report,
        perf=perf,
        months=months,
        nationality=nationality,
        chart=chart,
        countries=labels.country_choices(),
        today=today,
    )


@bp.get("/compliance/export")
@roles(*REPORT_READ)
def export_compliance():
    today = wib_today()
    months, nationality = _report_args()
    fmt = request.args.get("format", "csv")
    dataset = request.args.get("dataset", "compliance")
    if fmt not in ("csv", "xlsx") or dataset not in ("compliance", "processing"):
        abort(404)
    if dataset == "compliance":
        report = reports.compliance(today, months, nationality or None)
        (h1, r1), (h2, r2) = reports.compliance_table(
            report, lambda c: labels.country_name(c, "en")
        )
        sheets = [("By month", h1, r1), ("By nationality", h2, r2)]
    else:
        header, rows = reports.processing_table(today, months)
        sheets = [("Processing time", header, rows)]
    name = f"si-owl-{dataset}-{today.isoformat()}"
    record(
        "owl.report.exported",
        object_type="Report",
        detail={"dataset": dataset, "format": fmt, "months": months},
    )
    if fmt == "csv":
        response = make_response(reports.to_csv(sheets))
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
    else:
        response = make_response(reports.to_xlsx(sheets))
        response.headers["Content-Type"] = (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# ----- disruption notices ------------------------------------------------------------------------


@bp.get("/disruptions")
@roles("admin")
def list_disruptions():
    notices = list(Disruption.select().order_by(Disruption.starts_at.desc()).limit(100))
    return render(
        "owl/disruptions.html",
        notices=notices,
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
            notice = disruption_services.create_disruption(
                title_en=form.title_en.data,
                title_id=form.title_id.data,
                message_en=form.message_en.data,
                message_id=form.message_id.data,
                starts_at=_to_utc(form.starts_at.data),
                expected_end_at=_to_utc(form.expected_end_at.data),
                actor=_actor(),
            )
        except OwlError as exc:
            form.expected_end_at.errors.append(str(exc))
        else:
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
        try:
            disruption_services.resolve_disruption(
                notice,
                resolution_en=form.resolution_en.data,
                resolution_id=form.resolution_id.data,
                actor=_actor(),
            )
        except OwlError as exc:
            flash(str(exc), "danger")
        else:
            flash(_("The notice is resolved; the all-clear is e-mailed."), "success")
        return redirect_to(url_for("owl.list_disruptions"))
    notices = list(Disruption.select().order_by(Disruption.starts_at.desc()).limit(100))
    return render_invalid(
        "owl/disruptions.html",
        notices=notices,
        now=utcnow(),
        resolve_form=form,
        resolve_id=notice.id,
    )


# ----- settings ----------------------------------------------------------------------------------


@bp.route("/settings", methods=["GET", "POST"])
@roles("admin")
def edit_settings():
    form = SettingsForm()
    rules = settings.lead_rules()
    if request.method == "GET":
        for ptype in PERMIT_TYPES:
            form[f"lead_{ptype}"].data = ", ".join(str(d) for d, _s in rules[ptype])
        form.overstay_rate.data = settings.overstay_rate()
        form.escalation_days.data = settings.escalation_days()
        form.service_standard_days.data = settings.service_standard_days()
        form.public_holidays.data = holidays_text(settings.holiday_entries())
        office = settings.office_contact()
        form.office_address.data = office.address
        form.office_phone.data = office.phone
        form.office_first_day.data = office.first_day
        form.office_last_day.data = office.last_day
        form.office_opens.data = office.opens
        form.office_closes.data = office.closes
    elif form.validate_on_submit():
        from ..extensions import transaction

        today = wib_today()
        with transaction():
            for ptype in PERMIT_TYPES:
                settings.set_lead_days(ptype, form[f"lead_{ptype}"].parsed, today)
            settings.save_numbers(
                rate=form.overstay_rate.data,
                escalation=form.escalation_days.data,
                standard=form.service_standard_days.data,
            )
            settings.set_holidays(form.public_holidays.parsed)
            office = settings.OfficeContact(
                address=form.office_address.data,
                phone=form.office_phone.data,
                first_day=form.office_first_day.data,
                last_day=form.office_last_day.data,
                opens=form.office_opens.data,
                closes=form.office_closes.data,
            )
            settings.set_office_contact(office)
            record(
                "owl.settings.changed",
                object_type="Setting",
                detail={
                    "lead_times": {t: form[f"lead_{t}"].parsed for t in PERMIT_TYPES},
                    "escalation_days": form.escalation_days.data,
                    "service_standard_days": form.service_standard_days.data,
                    "public_holidays": sorted(
                        {day.isoformat() for day, _note in form.public_holidays.parsed}
                    ),
                    "office_contact": dataclasses.asdict(office),
                },
            )
        flash(
            _("Settings saved. New lead times apply from today, never to stages already passed."),
            "success",
        )
        return redirect_to(url_for("owl.edit_settings"))
    else:
        return render_invalid("owl/settings.html", form=form, rules=rules)
    return render("owl/settings.html", form=form, rules=rules)


# ----- public status page ------------------------------------------------------------------------


def _office_context():
    """The office's address, phone and opening hours in the page's language."""
    from babel.dates import get_day_names

    office = settings.office_contact()
    locale = get_locale() or "id"
    days = get_day_names("wide", locale=locale)
    opens, closes = office.opens, office.closes
    if str(locale) == "id":  # Indonesian writes 08.00
        opens, closes = opens.replace(":", "."), closes.replace(":", ".")
    if office.first_day == office.last_day:
        hours = _(
            "%(day)s, %(opens)s–%(closes)s WIB, except public holidays",
            day=days[office.first_day],
            opens=opens,
            closes=closes,
        )
    else:
        hours = _(
            "%(first)s to %(last)s, %(opens)s–%(closes)s WIB, except public holidays",
            first=days[office.first_day],
            last=days[office.last_day],
            opens=opens,
            closes=closes,
        )
    phone_link = "tel:" + "".join(ch for ch in office.phone if ch.isdigit() or ch == "+")
    return {"office": office, "office_hours": hours, "office_phone_link": phone_link}


def _rate_limited_html(retry):
    response = render(
        "owl/status.html",
        _status=429,
        form=StatusForm(formdata=None),
        result=None,
        looked_up=False,
        limited=True,
        retry_minutes=max(1, -(-retry // 60)),
        disruptions=disruption_services.current_disruptions(),
        **_office_context(),
    )
    response.headers["Retry-After"] = str(retry)
    return response


def _audit_lookup(result, channel):
    record(
        "owl.status.lookup",
        object_type="Application",
        object_id=result.application_number if result else "",
        detail={"found": result is not None, "channel": channel},
    )


@bp.route("/status", methods=["GET", "POST"])
@public
def public_status():
    """Foreigners check an application with its number and their passport number."""
    form = StatusForm()
    disruptions = disruption_services.current_disruptions()
    context = dict(
        result=None, looked_up=False, limited=False, disruptions=disruptions, **_office_context()
    )
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_invalid("owl/status.html", form=form, **context)
        retry = ratelimit.hit()
        if retry:
            return _rate_limited_html(retry)
        result = lookups.public_status(form.application_number.data, form.passport_number.data)
        _audit_lookup(result, "web")
        context.update(result=result, looked_up=True)
    response = render("owl/status.html", form=form, **context)
    response.headers["Cache-Control"] = "no-store"
    return response


def _json(body, status):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api/status")
@public
def api_status():
    """JSON for the mobile app: the same rules as the page (docs/owl-status-api.md)."""
    lang = request.args.get("lang") or str(get_locale() or "id")
    lang = lang if lang in ("en", "id") else "id"
    from flask_babel import force_locale

    with force_locale(lang):
        number = _text_arg("application", 41)
        passport = _text_arg("passport", 41)
        if not number or not passport or len(number) > 40 or len(passport) > 40:
            return _json(
                {
                    "error": "bad_request",
                    "message": _("Give both the application number and the passport number."),
                },
                400,
            )
        retry = ratelimit.hit()
        if retry:
            response = _json(
                {
                    "error": "rate_limited",
                    "retry_after": retry,
                    "message": _(
                        "Too many look-ups from this address. Try again in %(minutes)d minutes.",
                        minutes=max(1, -(-retry // 60)),
                    ),
                },
                429,
            )
            response.headers["Retry-After"] = str(retry)
            return response
        result = lookups.public_status(number, passport)
        _audit_lookup(result, "api")
        notices = [
            {
                "title": d.title(lang),
                "message": d.message(lang),
                "starts_at": d.starts_at.isoformat() + "Z",
                "expected_end_at": d.expected_end_at.isoformat() + "Z",
            }
            for d in disruption_services.current_disruptions()
        ]
        if result is None:
            return _json(
                {
                    "found": False,
                    "error": "not_found",
                    "message": _(
                        "No application matches this application number and passport number."
                    ),
                    "disruptions": notices,
                },
                404,
            )
        return _json(
            {
                "found": True,
                "application": {
                    "number": result.application_number,
                    "kind": result.kind,
                    "kind_label": str(labels.APPLICATION_KIND_LABELS[result.kind]),
                    "status": result.status,
                    "status_label": str(labels.APPLICATION_STATUS_LABELS[result.status]),
                    "received_on": result.received_on.isoformat(),
                    "decided_on": result.decided_on.isoformat() if result.decided_on else None,
                },
                "permit": {
                    "type": result.permit_type,
                    "expiry_date": result.expiry_date.isoformat() if result.expiry_date else None,
                    "expired": result.expired,
                }
                if result.permit_type
                else None,
                "disruptions": notices,
            },
            200,
        )
