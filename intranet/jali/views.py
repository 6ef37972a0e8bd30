"""Si Jali's pages: the desk (people inside, scan, check-out), registration, stickers, the visitor
log, reports and settings. Thin: parse, call a service, render."""

import datetime as dt
import re

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    make_response,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..audit.services import record
from ..core.actor import actor
from ..core.args import date_arg, int_arg, page_arg, text_arg
from ..core.links import external_url
from ..core.navigation import NavGroup
from ..core.responses import is_fragment_request, redirect_to, render, render_invalid
from ..models import utcnow
from ..people.models import Unit, User
from ..policy import require, roles
from . import identity, presenters, queries, reports, services, templating
from . import settings as jali_settings
from .forms import CATEGORY_LABELS, ID_LABELS, SettingsForm, VisitForm
from .identity import IdentityError
from .models import (
    CATEGORIES,
    OFFICIAL,
    OUT_DESK,
    OUT_QR,
    WNA,
    WNI,
    Visit,
    Visitor,
)
from .qr import qr_svg

bp = Blueprint("jali", __name__, url_prefix="/jali")

NAV_GROUP = NavGroup("jali", _l("Visitors"), "Si Jali")
NAV = [
    ("jali.show_desk", _l("Front desk")),
    ("jali.list_visits", _l("Visitor log")),
    ("jali.show_reports", _l("Visitor reports")),
]

DESK = ("resepsionis", "admin")
READERS = ("resepsionis", "admin", "kepala")
LOG_PAGE_SIZE = 50

# The app-wide filters Si Jali's pages and e-mails use (country_name, jali_date, jali_duration).


def _minutes_between(start, end):
    return max(0, int(((end or utcnow()) - start).total_seconds() // 60))


def _common():
    """Labels resolved once per language (lazy strings cost a translation look-up each use)."""
    words = presenters.words()
    return {
        "category_labels": words["category_labels"],
        "category_words": words["category_words"],
        "categories": CATEGORIES,
        "status_labels": presenters.status_labels(),
        "minutes_between": _minutes_between,
        "duration": templating.duration_formatter(),
        # "/jali/visits/": rows link to visit_base + id (one url_for per page, not per row)
        "visit_base": url_for("jali.show_visit", visit_id=0)[:-1],
        "can_desk": current_user.has_role(*DESK),
    }


def _visit_or_404(visit_id):
    require(identity.row_id(visit_id) is not None)
    visit = Visit.select(Visit, Visitor).join(Visitor).where(Visit.id == visit_id).first()
    require(visit is not None)
    return visit


# ----- the desk ---------------------------------------------------------------------------------


def _desk_context(now=None):
    now = now or utcnow()
    today = services.wib_today(now)
    inside = queries.inside()
    by_category = {c: [v for v in inside if v.category == c] for c in CATEGORIES}
    return dict(
        today=today,
        now=now,
        inside=inside,
        by_category=by_category,
        registered=queries.registered_counts(today),
        **_common(),
    )


@bp.get("/")
@roles(*DESK)
def show_desk():
    return render("jali/desk.html", **_desk_context())


@bp.get("/scan")
@roles(*DESK)
def scan_sticker():
    """A hand scanner types the sticker's QR (the check-out URL) into the desk's scan field."""
    code = text_arg("code", 300)
    match = re.search(r"/jali/visits/(\d{1,12})/checkout", code) or re.fullmatch(
        r"(\d{1,12})", code
    )
    visit_id = identity.row_id(int(match.group(1))) if match else None
    visit = Visit.get_or_none(Visit.id == visit_id) if visit_id else None
    if visit is None:
        flash(_("This code is not a Si Jali sticker of this office."), "danger")
        return redirect_to(url_for("jali.show_desk"))
    return redirect_to(url_for("jali.confirm_checkout", visit_id=visit.id))


# ----- registration -----------------------------------------------------------------------------


def _register_context(form, **extra):
    return dict(
        form=form,
        purposes=form.purposes,
        id_labels=ID_LABELS,
        host=form.host,
        hosts=[form.host] if form.host else [],
        **_common(),
        **extra,
    )


@bp.route("/register", methods=["GET", "POST"])
@roles(*DESK)
def register_visit():
    form = VisitForm(today=services.wib_today())
    if request.method == "GET":
        category = request.args.get("category")
        if category in CATEGORIES:
            form.category.data = category
        again_id = int_arg("visitor")
        again = Visitor.get_or_none(Visitor.id == again_id) if again_id else None
        if again is not None:
            form.category.data = {"nik": WNI, "passport": WNA}.get(again.id_type, OFFICIAL)
            form.id_number.data = again.id_number or ""
            form.nationality.data = again.nationality if again.id_type == "passport" else ""
            form.name.data = again.name
            form.institution.data = again.institution
            form.phone.data = again.phone
        return render("jali/register.html", **_register_context(form))
    if not form.validate_on_submit():
        return render_invalid("jali/register.html", **_register_context(form))
    visit, _permit = services.register_visit(form.cleaned, actor=actor())
    # The sticker page is a page of its own (print stylesheet): always a full page load (the
    # form posts with htmx, which HX-Redirect sends to a page of its own).
    return redirect_to(url_for("jali.show_sticker", visit_id=visit.id))


@bp.get("/visitors/lookup")
@roles(*DESK)
def lookup_visitor():
    """Inline check of the identity number as reception types it: a clear message when it is
    malformed, the known visitor (to prefill the form), and for a WNA Si Owl's permit status."""
    category = request.args.get("category")
    if category not in CATEGORIES:
        category = WNI
    raw = identity.clean_text(request.args.get("id_number", ""))[:40]
    nationality = identity.clean_text(request.args.get("nationality") or "").upper()[:2]
    error, id_number, visitor, permit = None, None, None, None
    try:
        if category == WNI:
            id_number = identity.validate_nik(raw, today=services.wib_today()) if raw else None
        elif category == WNA:
            id_number = identity.validate_passport(raw) if raw else None
        else:
            id_number = identity.validate_other_id(raw)
    except IdentityError as exc:
        error = str(exc)
    if id_number:
        visitor = services.find_visitor(category, id_number, nationality)
        if category == WNA:
            permit = services.check_permit(id_number, today=services.wib_today())
            if permit.status is not None:
                record(
                    "jali.permit_looked_up",
                    object_type="Foreigner",
                    object_id=permit.status.foreigner_id,
                    detail={"expired": bool(permit.status.expired)},
                )
    prefill = None
    if visitor is not None:
        prefill = {"name": visitor.name, "phone": visitor.phone, "institution": visitor.institution}
        if category == WNA:
            prefill["nationality"] = visitor.nationality
    return render(
        "jali/_visitor_hint.html",
        error=error,
        visitor=visitor,
        permit=permit,
        last=services.last_visit(visitor),
        category=category,
        prefill=prefill,
        **_common(),
    )


@bp.get("/hosts")
@roles(*DESK)
def search_hosts():
    """Active search for the host employee of an official guest (name, NIP or unit)."""
    q = " ".join(text_arg("host_q", 1000).split())[:100]
    selected = int_arg("host_id")
    hosts = queries.find_hosts(q) if len(q) >= 2 else []
    if selected and not any(h.id == selected for h in hosts):
        selected = hosts[0].id if hosts else None
    elif not selected and hosts:
        selected = hosts[0].id  # the best match is preselected: type, Tab, Enter
    return render("jali/_hosts.html", hosts=hosts, q=q, selected=selected)


# ----- sticker, visit, check-out ---------------------------------------------------------------


@bp.get("/sticker.css")
@roles(*DESK)
def sticker_css():
    """The label size (a setting) as CSS: @page size and the sticker's box."""
    size = jali_settings.sticker_size()
    css = (
        f":root {{ --sticker-w: {size['width_mm']}mm; --sticker-h: {size['height_mm']}mm; }}\n"
        f"@page {{ size: {size['width_mm']}mm {size['height_mm']}mm; margin: 0; }}\n"
    )
    response = make_response(css)
    response.mimetype = "text/css"
    return response


@bp.get("/visits/<int:visit_id>/sticker")
@roles(*DESK)
def show_sticker(visit_id):
    visit = _visit_or_404(visit_id)
    checkout_url = external_url("jali.confirm_checkout", visit_id=visit.id)
    return render(
        "jali/sticker.html",
        visit=visit,
        qr=qr_svg(checkout_url),
        checkout_url=checkout_url,
        size=jali_settings.sticker_size(),
        **_common(),
    )


def _can_view(user, visit):
    if user.has_role("resepsionis", "admin", "kepala"):
        return True
    # Inteldakim follows up the alerts: the WNA visits with an expired permit.
    return user.has_role("inteldakim") and visit.category == WNA and visit.permit_expired


@bp.get("/visits/<int:visit_id>")
@roles("resepsionis", "admin", "kepala", "inteldakim")
def show_visit(visit_id):
    visit = _visit_or_404(visit_id)
    require(_can_view(current_user, visit))
    if visit.permit_expired:
        record("jali.visit_viewed", visit, detail={"permit": visit.permit_state})
    host = User.get_or_none(User.id == visit.host_id) if visit.host_id else None
    unit = Unit.get_or_none(Unit.id == visit.host_unit_id) if visit.host_unit_id else None
    return render("jali/visit.html", visit=visit, host=host, unit=unit, **_common())


@bp.get("/visits/<int:visit_id>/checkout")
@roles(*DESK)
def confirm_checkout(visit_id):
    """What the sticker's QR code opens: a confirmation (a GET never changes anything)."""
    visit = _visit_or_404(visit_id)
    return render("jali/checkout.html", visit=visit, **_common())


@bp.post("/visits/<int:visit_id>/checkout")
@roles(*DESK)
def checkout_visit(visit_id):
    visit = _visit_or_404(visit_id)
    method = OUT_QR if request.form.get("via") == OUT_QR else OUT_DESK
    if services.check_out(visit, actor=actor(), method=method):
        flash(
            _(
                "%(name)s (no. %(number)s) checked out.",
                name=visit.name,
                number=visit.display_number,
            ),
            "success",
        )
    else:
        flash(_("%(name)s was already checked out.", name=visit.name), "info")
    if is_fragment_request() and request.form.get("from") == "desk":
        return render("jali/desk.html", **_desk_context())
    return redirect_to(url_for("jali.show_desk"))


# ----- visitor log ------------------------------------------------------------------------------


@bp.get("/visits")
@roles(*READERS)
def list_visits():
    today = services.wib_today()
    day = date_arg("date") or today
    category = request.args.get("category") or ""
    status = request.args.get("status") or ""
    q = " ".join(text_arg("q", 1000).split())[:100]
    page = page_arg()

    if category not in CATEGORIES:
        category = ""
    if status not in ("inside", "out"):
        status = ""
    counts = queries.day_counts(day)
    if q:
        query, total = queries.search(day, category, status, q)
    elif category or status:
        total = queries.count(day, category, status)
    else:
        total = sum(counts.values())
    pages = max(1, -(-total // LOG_PAGE_SIZE))
    page = min(page, pages)
    offset = (page - 1) * LOG_PAGE_SIZE
    if q:
        rows = queries.search_rows(query, LOG_PAGE_SIZE, offset)
    else:
        rows = queries.page_rows(day, category, status, LOG_PAGE_SIZE, offset)
    words = presenters.words()
    visit_base = url_for("jali.show_visit", visit_id=0)[:-1]
    visits = presenters.rows_html(rows, visit_base, utcnow())
    context = dict(
        visits=visits,
        day_labels=presenters.day_labels(day),
        day=day,
        today=today,
        category=category,
        status=status,
        q=q,
        page=page,
        pages=pages,
        total=total,
        counts={c: counts.get(c, 0) for c in CATEGORIES},
        prev_day=day - dt.timedelta(days=1),
        next_day=day + dt.timedelta(days=1) if day < today else None,
        args={"date": day.isoformat(), "category": category, "status": status, "q": q},
        # what the log's templates use of _common(), without the parts they do not need
        category_labels=words["category_labels"],
        categories=CATEGORIES,
        status_labels=presenters.status_labels(),
        can_desk=current_user.has_role(*DESK),
    )
    if is_fragment_request() and request.htmx.target == "visit-rows":
        return render("jali/_visit_rows.html", **context)
    return render("jali/visits.html", **context)


@bp.get("/visitors/<int:visitor_id>")
@roles(*DESK)
def show_visitor(visitor_id):
    visitor = Visitor.get_or_none(Visitor.id == visitor_id) if identity.row_id(visitor_id) else None
    require(visitor is not None)
    visits = list(visitor.visits.order_by(Visit.checked_in_at.desc()).limit(100))
    return render("jali/visitor.html", visitor=visitor, visits=visits, **_common())


# ----- reports ----------------------------------------------------------------------------------


def _report_range():
    today = services.wib_today()
    return reports.clamp_range(date_arg("start"), date_arg("end"), today)


@bp.get("/reports")
@roles(*READERS)
def show_reports():
    start, end = _report_range()
    rows = reports.daily_counts(start, end)
    today = services.wib_today()
    chart_rows = reports.daily_counts(today - dt.timedelta(days=29), today)
    return render(
        "jali/reports.html",
        start=start,
        end=end,
        rows=rows,
        totals=reports.totals(rows),
        inside=reports.time_inside(start, end),
        purposes=reports.purpose_counts(start, end),
        chart=reports.chart_data(chart_rows, CATEGORY_LABELS),
        **_common(),
    )


EXPORT_HEADER = [
    _l("Date"),
    _l("No."),
    _l("Category"),
    _l("Name"),
    _l("Institution"),
    _l("Purpose"),
    _l("Host"),
    _l("Host unit"),
    _l("In (WIB)"),
    _l("Out (WIB)"),
    _l("Minutes inside"),
    _l("Check-out"),
]


@bp.get("/reports/export")
@roles(*READERS)
def export_report():
    fmt = request.args.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        abort(404)
    start, end = _report_range()
    hosts = dict(
        User.select(User.id, User.name)
        .where(User.id.in_(Visit.select(Visit.host).where(reports._in_range(start, end))))
        .tuples()
    )
    units = dict(Unit.select(Unit.id, Unit.name).tuples())
    header = [str(h) for h in EXPORT_HEADER]
    labels = {c: str(label) for c, label in CATEGORY_LABELS.items()}
    rows = (reports.format_row(v, labels, hosts, units) for v in reports.export_rows(start, end))
    record(
        "jali.visits_exported",
        object_type="Visit",
        object_id="",
        detail={"format": fmt, "start": start.isoformat(), "end": end.isoformat()},
    )
    filename = f"si-jali-{start.isoformat()}-{end.isoformat()}.{fmt}"
    disposition = f'attachment; filename="{filename}"'
    if fmt == "csv":
        return Response(
            reports.stream_csv(header, rows),
            mimetype="text/csv",
            headers={"Content-Disposition": disposition},
        )
    data = reports.write_xlsx(header, rows, title=_("Visits"))
    return Response(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": disposition},
    )


# ----- settings ---------------------------------------------------------------------------------


@bp.route("/settings", methods=["GET", "POST"])
@roles("admin")
def edit_settings():
    form = SettingsForm()
    if request.method == "GET":
        current = jali_settings.purposes()
        form.purposes_wni.data = "\n".join(current[WNI])
        form.purposes_wna.data = "\n".join(current[WNA])
        form.purposes_official.data = "\n".join(current[OFFICIAL])
        size = jali_settings.sticker_size()
        form.sticker_width.data = size["width_mm"]
        form.sticker_height.data = size["height_mm"]
        hour, minute = jali_settings.closing_time()
        form.closing_time.data = f"{hour:02d}:{minute:02d}"
        return render("jali/settings.html", form=form)
    if not form.validate_on_submit():
        return render_invalid("jali/settings.html", form=form)
    hour, minute = form.closing_time.data.split(":")
    jali_settings.save(
        form.purpose_lists(),
        (form.sticker_width.data, form.sticker_height.data),
        (hour, minute),
        actor=actor(),
    )
    flash(_("Si Jali settings were saved."), "success")
    return redirect_to(url_for("jali.edit_settings"))
