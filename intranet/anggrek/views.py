"""Si Anggrek pages: console, board, tickets, metrics, satisfaction, counters, flags, survey."""

import csv
import datetime as dt
import io

import segno
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
from markupsafe import Markup, escape
from peewee import JOIN

from ..core.args import BIG_ID_MAX, date_arg, int_arg, int_list_arg, parse_int
from ..core.filters import format_number
from ..core.live import after_swap
from ..core.responses import is_fragment_request, redirect_to, render, render_invalid
from ..people.models import Unit, User
from ..policy import admits, policy_for, public, require, roles
from . import clock, flags, ikm, metrics, services, survey, uploads
from . import settings as anggrek_settings
from .forms import (
    BoardSettingsForm,
    CounterForm,
    FlagForm,
    FlagStatusForm,
    IssueTicketForm,
    NoteForm,
    SurveyForm,
)
from .labels import (
    CATEGORY_LABELS,
    COUNTER_STATE_LABELS,
    EVENT_LABELS,
    FLAG_STATUS_LABELS,
    OUTCOME_LABELS,
    RESOLUTION_LABELS,
    SERVICES,
    TICKET_STATUS_LABELS,
)
from .models import (
    FLAG_INVESTIGATING,
    FLAG_RESOLVED,
    FLAG_STATUSES,
    Counter,
    CounterState,
    Flag,
    FlagAttachment,
    ServiceEvent,
    Ticket,
)
from .services import StepRefused
from .settings import setting

bp = Blueprint("anggrek", __name__, url_prefix="/anggrek")

NAV = [("anggrek.index", _l("Si Anggrek"))]

OBSERVERS = ("atasan", "kepala")
METRIC_READERS = ("loket", "atasan", "kepala")
FLAG_READERS = ("atasan", "kepala", "admin")
COUNTER_ADMINS = ("admin", "atasan")


def me():
    return current_user._get_current_object()


# ----- template helpers -----------------------------------------------------------------------


@bp.app_template_filter("anggrek_duration")
def duration(seconds):
    """Seconds -> 'm:ss' or 'h:mm:ss'; None -> '—'."""
    if seconds is None:
        return "—"
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@bp.app_template_filter("anggrek_clock")
def wib_clock(value):
    """Naive UTC -> 'HH:MM:SS' in WIB."""
    return (value + clock.WIB_OFFSET).strftime("%H:%M:%S")


@bp.app_template_filter("anggrek_percent")
def percent(rate):
    if rate is None:
        return "—"
    return f"{format_number(rate * 100, 1)} %"


@bp.app_template_filter("anggrek_decimal")
def decimal2(value):
    return "—" if value is None else format_number(float(value), 2)


@bp.context_processor
def _labels():
    return {
        "state_labels": COUNTER_STATE_LABELS,
        "ticket_status_labels": TICKET_STATUS_LABELS,
        "outcome_labels": OUTCOME_LABELS,
        "event_labels": EVENT_LABELS,
        "category_labels": CATEGORY_LABELS,
        "flag_status_labels": FLAG_STATUS_LABELS,
        "resolution_labels": RESOLUTION_LABELS,
        "services": SERVICES,
        "anggrek_tabs": _tabs,
        "anggrek_nav": _nav,
        "ikm_elements": ikm.ELEMENTS,
    }


TABS = [
    ("anggrek.show_console", _l("Console")),
    ("anggrek.show_board", _l("Board")),
    ("anggrek.list_tickets", _l("Tickets")),
    ("anggrek.show_metrics", _l("Metrics")),
    ("anggrek.show_satisfaction", _l("Satisfaction")),
    ("anggrek.list_flags", _l("Officer reports")),
    ("anggrek.list_counters", _l("Counters")),
    ("anggrek.edit_settings", _l("Settings")),
]


def _tabs():
    user = me() if current_user.is_authenticated else None
    return [(e, label) for e, label in TABS if admits(policy_for(e), user)]


def _nav():
    """(endpoint, href, label) of the tabs this user may open, worked out once per language and
    role set: every Si Anggrek page shows them, and the board is polled all day."""
    user = me() if current_user.is_authenticated else None
    cache = current_app.extensions.setdefault("anggrek_nav", {})
    key = (
        str(get_locale() or "id"),
        user.role_names if user is not None else frozenset(),
        request.script_root,
    )
    tabs = cache.get(key)
    if tabs is None:
        tabs = cache[key] = [
            (endpoint, url_for(endpoint), str(label)) for endpoint, label in _tabs()
        ]
    return tabs


def _day_arg(name):
    return date_arg(name) or clock.today()


@bp.get("/")
@roles("loket", "atasan", "kepala", "resepsionis", "admin")
def index():
    return render("anggrek/index.html")


# ----- console --------------------------------------------------------------------------------


def _console_context(error=None):
    user = me()
    state = services.staffed_by(user)
    ticket = Ticket.get_by_id(state.ticket_id) if state and state.ticket_id else None
    today = clock.today()
    start, end = clock.day_bounds(today)
    recent = []
    if state is not None:
        recent = list(
            ServiceEvent.select(ServiceEvent, Ticket)
            .join(Ticket, join_type=JOIN.LEFT_OUTER)
            .where(ServiceEvent.officer == user.id, ServiceEvent.at >= start, ServiceEvent.at < end)
            .order_by(ServiceEvent.at.desc(), ServiceEvent.id.desc())
            .limit(12)
        )
    closed = []
    if state is None:
        closed = list(
            CounterState.select(CounterState, Counter)
            .join(Counter)
            .where(CounterState.state == "closed", Counter.is_active == True)  # noqa: E712
            .order_by(Counter.code)
        )
    return dict(
        state=state,
        ticket=ticket,
        recent=recent,
        closed=closed,
        error=error,
        **_queue_context(),
    )


def _queue_context():
    today = clock.today()
    return dict(
        waiting=list(services.waiting_tickets(today, limit=8)),
        queue=services.queue_summary(today),
        now=clock.now(),
    )


@bp.get("/console")
@roles("loket")
def show_console():
    return render("anggrek/console.html", **_console_context())


@bp.get("/console/queue")
@roles("loket")
def console_queue():
    return render("anggrek/_queue.html", **_queue_context())


# After a step the keyboard focus goes to the console's next step (core/live.py): the button
# pressed has been swapped out with the old console.
_CONSOLE_FOCUS = {
    "idle": "#call-next",
    "calling": "#start-interview",
    "interviewing": "#finish-served",
    None: "#open-counters button",
}


def _step_message(context):
    """The sentence announced after a step: what the event just recorded did."""
    if context["state"] is None:
        return _("Counter closed")
    event = context["recent"][0] if context["recent"] else None
    if event is None:
        return None
    number = event.ticket.number if event.ticket_id else ""
    if event.kind == "open":
        return _("%(counter)s opened", counter=context["state"].counter.name)
    if event.kind == "call":
        return _("Ticket %(number)s called", number=number)
    if event.kind == "recall":
        return _("Ticket %(number)s called again", number=number)
    if event.kind == "start":
        return _("Interview with ticket %(number)s started", number=number)
    if event.kind == "finish":
        return _(
            "Ticket %(number)s finished: %(outcome)s",
            number=number,
            outcome=OUTCOME_LABELS.get(event.outcome, event.outcome),
        )
    return None


def _console_fragment(context, status=200, message=None, focus=None):
    response = render("anggrek/_console.html", _status=status, **context)
    state = context["state"]
    return after_swap(
        response,
        message,
        focus=focus or _CONSOLE_FOCUS.get(state.state if state else None),
        fallback="#console-title",
    )


def _console_step(counter_id, step, refused_focus=None):
    counter = Counter.get_or_none(Counter.id == counter_id)
    require(counter is not None)
    try:
        step(counter)
    except StepRefused as exc:
        if is_fragment_request():  # the message is in the console, with role="alert"
            context = _console_context(error=exc.message)
            return _console_fragment(context, status=exc.status, focus=refused_focus)
        flash(str(exc.message), "danger")
        return redirect_to(url_for("anggrek.show_console"))
    if is_fragment_request():
        context = _console_context()
        return _console_fragment(context, message=_step_message(context))
    return redirect_to(url_for("anggrek.show_console"))


def _ticket_id():
    return parse_int(request.form.get("ticket_id"), -1)


@bp.post("/console/<int:counter_id>/open")
@roles("loket")
def open_counter(counter_id):
    return _console_step(counter_id, lambda c: services.open_counter(c, me()))


@bp.post("/console/<int:counter_id>/close")
@roles("loket")
def close_counter(counter_id):
    return _console_step(counter_id, lambda c: services.close_counter(c, me()))


@bp.post("/console/<int:counter_id>/call")
@roles("loket")
def call_ticket(counter_id):
    number = (request.form.get("number") or "").strip()
    if number:  # refused (no such ticket waiting): back to the number, to correct it
        return _console_step(
            counter_id,
            lambda c: services.call_ticket(c, me(), number),
            refused_focus="#call-number",
        )
    return _console_step(counter_id, lambda c: services.call_next(c, me()))


@bp.post("/console/<int:counter_id>/recall")
@roles("loket")
def recall_ticket(counter_id):
    return _console_step(counter_id, lambda c: services.recall(c, me(), _ticket_id()))


@bp.post("/console/<int:counter_id>/start")
@roles("loket")
def start_interview(counter_id):
    return _console_step(counter_id, lambda c: services.start_interview(c, me(), _ticket_id()))


@bp.post("/console/<int:counter_id>/finish")
@roles("loket")
def finish_ticket(counter_id):
    outcome = request.form.get("outcome", "")
    return _console_step(
        counter_id, lambda c: services.finish_ticket(c, me(), _ticket_id(), outcome)
    )


# ----- board ----------------------------------------------------------------------------------


# One counter card of the board, written in one go (the board is rendered every few seconds
# for every supervisor's screen); text is escaped here, once.
_BOARD_CARD = (
    '    <div class="col-sm-6 col-lg-4 col-xl-3">\n'
    '      <div class="card h-100 anggrek-counter anggrek-counter-{state}{late_class}"'
    ' data-counter="{code}" data-state="{state}" data-ticket="{ticket}" data-late="{late_flag}">\n'
    '        <div class="card-body py-2">\n'
    '          <div class="d-flex justify-content-between align-items-center">\n'
    '            <span class="fw-semibold">{name}</span>\n'
    '            <span class="badge anggrek-state anggrek-state-{state}" data-role="state">'
    "{label}</span>\n"
    "          </div>\n"
    '          <div class="small text-muted">{officer}</div>\n'
    '          <div class="d-flex justify-content-between align-items-end mt-1">\n'
    '            <span class="fs-4 fw-semibold" data-role="ticket">{ticket}</span>\n'
    "            {time}\n"
    "          </div>\n"
    "{late}"
    "        </div>\n"
    "      </div>\n"
    "    </div>\n"
)
_BOARD_TIME = '<span class="small" title="{title}" data-role="time">{value}</span>'
# Late (anggrek.settings calling_late_minutes, interview_late_minutes): said in words, not by the
# colour alone, with the minutes past the limit.
_BOARD_LATE = (
    '          <div class="text-end"><span class="badge anggrek-late" title="{title}" '
    'data-role="late">{label}</span></div>\n'
)


def _board_texts():
    """Escaped state labels and fixed texts of the board, once per language."""
    cache = current_app.extensions.setdefault("anggrek_board_texts", {})
    locale = str(get_locale() or "id")
    texts = cache.get(locale)
    if texts is None:
        texts = cache[locale] = {
            "states": {key: escape(str(label)) for key, label in COUNTER_STATE_LABELS.items()},
            "no_officer": escape(_("No officer")),
            "time_title": escape(_("Time in this state")),
            "late": escape(_("Late by %(minutes)s min")),
            "late_title": {
                "calling": escape(_("Calling for longer than %(minutes)s minutes")),
                "interviewing": escape(_("Interviewing past the %(minutes)s-minute standard")),
            },
            "services": [
                (key, prefix, str(label)) for key, (prefix, label, _p) in SERVICES.items()
            ],
        }
    return texts


def late_limits():
    """Seconds a counter may stay in a state before the board marks it late."""
    return {
        "calling": int(setting("calling_late_minutes")) * 60,
        "interviewing": int(setting("interview_late_minutes")) * 60,
    }


def _board_cards(rows, now, texts, limits):
    states = texts["states"]
    out = []
    for row in rows:
        state = escape(row.state)
        ticket = escape(row.ticket or "")
        time_html = late_html = ""
        if row.state != "closed":
            seconds = (now - row.since).total_seconds()
            time_html = _BOARD_TIME.format(title=texts["time_title"], value=duration(seconds))
            limit = limits.get(row.state)
            if limit is not None and seconds > limit:
                over = -(-int(seconds - limit) // 60)  # whole minutes past the limit, rounded up
                late_html = _BOARD_LATE.format(
                    title=texts["late_title"][row.state] % {"minutes": limit // 60},
                    label=texts["late"] % {"minutes": over},
                )
        out.append(
            _BOARD_CARD.format(
                state=state,
                late_class=" anggrek-counter-late" if late_html else "",
                late_flag="1" if late_html else "0",
                code=escape(row.code),
                ticket=ticket,
                name=escape(row.name),
                label=states.get(row.state) or state,
                officer=escape(row.officer) if row.officer else texts["no_officer"],
                late=late_html,
                time=time_html,
            )
        )
    return Markup("".join(out))  # noqa: S704 - every value above is escaped or a duration


def _board_context():
    """Ready-to-print board: polled every few seconds by every supervisor's screen."""
    now = clock.now()
    texts = _board_texts()
    queue = services.queue_summary(clock.wib_day(now))
    waiting = [
        (prefix, label, queue["by_service"][key])
        for key, prefix, label in texts["services"]
        if queue["by_service"].get(key)
    ]
    longest = duration((now - queue["oldest"]).total_seconds()) if queue["oldest"] else "—"
    return dict(
        cards_html=_board_cards(services.board_rows(), now, texts, late_limits()),
        waiting_total=queue["total"],
        waiting=waiting,
        longest=longest,
        updated=wib_clock(now),
        poll=int(setting("board_poll_seconds")),
    )


@bp.get("/board")
@roles(*OBSERVERS)
def show_board():
    return render("anggrek/board.html", **_board_context())


@bp.get("/board/live")
@roles(*OBSERVERS)
def board_live():
    """The board's fragment, polled by the board page."""
    return render("anggrek/_board.html", **_board_context())


# ----- tickets --------------------------------------------------------------------------------


def _tickets_context(form=None, issued=None):
    day = _day_arg("day")
    tickets = list(
        Ticket.select(Ticket, Counter)
        .join(Counter, join_type=JOIN.LEFT_OUTER)
        .where(Ticket.issue_date == day)
        .order_by(Ticket.issued_at.desc(), Ticket.id.desc())
        .limit(300)
    )
    return dict(
        day=day,
        tickets=tickets,
        form=form or IssueTicketForm(),
        issued=issued,
        queue=services.queue_summary(day),
        can_issue=me().has_role("resepsionis", "atasan"),
    )


@bp.get("/tickets")
@roles("resepsionis", "loket", "atasan")
def list_tickets():
    return render("anggrek/tickets.html", **_tickets_context())


@bp.post("/tickets")
@roles("resepsionis", "atasan")
def issue_ticket():
    form = IssueTicketForm()
    if not form.validate_on_submit():
        return render_invalid("anggrek/tickets.html", **_tickets_context(form=form))
    ticket = services.issue_ticket(form.service.data, actor=me())
    return render("anggrek/tickets.html", **_tickets_context(issued=ticket))


# ----- metrics --------------------------------------------------------------------------------


def _officer_scope(user):
    """None: every officer; else the set of officer ids this user may see metrics of."""
    if user.has_role("kepala"):
        return None
    ids = set()
    if user.has_role("atasan"):
        ids.update(u.id for u in User.select(User.id).where(User.supervisor == user.id))
    if user.has_role("loket"):
        ids.add(user.id)
    return ids


def _period_args():
    period = request.args.get("period", "day")
    if period not in metrics.PERIODS:
        period = "day"
    day = _day_arg("date")
    return period, day


def _metrics_rows(period, day):
    first, last = metrics.period_days(period, day)
    scope = _officer_scope(me())
    stats = metrics.per_officer(metrics.load(first, last, officer_ids=scope))
    officer_ids = set(stats)
    users = {u.id: u for u in User.select().where(User.id.in_(list(officer_ids)))} if stats else {}
    start, end = clock.day_bounds(first)[0], clock.day_bounds(last)[1]
    scores = ikm.scores(ikm.SurveyResponse.officer, start, end)
    rows = sorted(
        ((users[o], s, scores.get(o)) for o, s in stats.items() if o in users),
        key=lambda r: r[0].name,
    )
    return first, last, rows


@bp.get("/metrics")
@roles(*METRIC_READERS)
def show_metrics():
    period, day = _period_args()
    first, last, rows = _metrics_rows(period, day)
    total = metrics.Stats()
    for _u, s, _i in rows:
        total.add(s)
    prev_day = first - dt.timedelta(days=1)
    next_day = last + dt.timedelta(days=1)
    return render(
        "anggrek/metrics.html",
        period=period,
        day=day,
        first=first,
        last=last,
        rows=rows,
        total=total,
        prev_day=prev_day,
        next_day=next_day if next_day <= clock.today() else None,
    )


@bp.get("/metrics/officer/<int:officer_id>")
@roles(*METRIC_READERS)
def show_officer_metrics(officer_id):
    officer = User.get_or_none(User.id == officer_id)
    scope = _officer_scope(me())
    require(officer is not None and (scope is None or officer_id in scope))
    period, day = _period_args()
    count = {"day": 14, "week": 12, "month": 12}[period]
    buckets = metrics.previous_periods(period, day, count)
    stats = metrics.load(buckets[0][0], buckets[-1][1], officer_ids=[officer_id])
    by_bucket = {first: metrics.Stats() for first, _last in buckets}
    for (_o, d), s in stats.items():
        key = metrics.period_key(period, d)
        if key in by_bucket:
            by_bucket[key].add(s)
    series = [(first, last, by_bucket[first]) for first, last in buckets]

    def minutes(value):
        return None if value is None else round(value / 60, 2)

    chart = {
        "labels": [_bucket_label(period, first) for first, _l2, _s in series],
        "datasets": {
            "served": [s.served for *_x, s in series],
            "referred": [s.referred for *_x, s in series],
            "no_show": [s.no_show for *_x, s in series],
            "avg_wait": [minutes(s.avg_wait) for *_x, s in series],
            "avg_interview": [minutes(s.avg_interview) for *_x, s in series],
            "idle_waiting": [minutes(s.idle_waiting) for *_x, s in series],
        },
        "names": {
            "served": _("Served"),
            "referred": _("Referred"),
            "no_show": _("No-show"),
            "avg_wait": _("Average wait (min)"),
            "avg_interview": _("Average interview (min)"),
            "idle_waiting": _("Idle while tickets waited (min)"),
            "count": _("Tickets"),
            "minutes": _("Minutes"),
        },
    }
    start, end = clock.day_bounds(buckets[0][0])[0], clock.day_bounds(buckets[-1][1])[1]
    score = ikm.scores(ikm.SurveyResponse.officer, start, end).get(officer_id)
    return render(
        "anggrek/officer_metrics.html",
        officer=officer,
        period=period,
        day=day,
        series=series,
        chart=chart,
        score=score,
    )


def _bucket_label(period, first):
    if period == "month":
        return first.strftime("%Y-%m")
    if period == "week":
        return f"{first.isocalendar().year}-W{first.isocalendar().week:02d}"
    return first.isoformat()


EXPORT_COLUMNS = [
    (_l("Officer"), lambda u, s, i: u.name),
    ("NIP", lambda u, s, i: u.nip),
    (_l("Served"), lambda u, s, i: s.served),
    (_l("Referred"), lambda u, s, i: s.referred),
    (_l("No-show"), lambda u, s, i: s.no_show),
    (_l("Average wait (min)"), lambda u, s, i: _minutes(s.avg_wait)),
    (_l("Average call-to-start (min)"), lambda u, s, i: _minutes(s.avg_call_to_start)),
    (_l("Average interview (min)"), lambda u, s, i: _minutes(s.avg_interview)),
    (_l("Idle while tickets waited (min)"), lambda u, s, i: _minutes(s.idle_waiting)),
    (_l("Counter open (min)"), lambda u, s, i: _minutes(s.open_time)),
    (_l("No-show rate (%)"), lambda u, s, i: _pct(s.no_show_rate)),
    (_l("Referral rate (%)"), lambda u, s, i: _pct(s.referral_rate)),
    (_l("IKM responses"), lambda u, s, i: i.responses if i else 0),
    ("IKM", lambda u, s, i: float(i.value) if i and i.value is not None else None),
]


def _minutes(seconds):
    return None if seconds is None else round(seconds / 60, 2)


def _pct(rate):
    return None if rate is None else round(rate * 100, 1)


@bp.get("/metrics/export.<fmt>")
@roles(*METRIC_READERS)
def export_metrics(fmt):
    require(fmt in ("csv", "xlsx"))
    period, day = _period_args()
    first, last, rows = _metrics_rows(period, day)
    header = [str(h) for h, _f in EXPORT_COLUMNS]
    data = [[f(u, s, i) for _h, f in EXPORT_COLUMNS] for u, s, i in rows]
    from ..audit.services import record

    record(
        "anggrek.metrics.exported",
        object_type="Metrics",
        actor=me(),
        detail={"period": period, "first": first.isoformat(), "rows": len(rows), "format": fmt},
    )
    name = f"anggrek-metrics-{period}-{first.isoformat()}"
    if fmt == "csv":
        out = io.StringIO()
        out.write("\ufeff")  # so spreadsheet programs read UTF-8
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows([["" if v is None else v for v in row] for row in data])
        return Response(
            out.getvalue(),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Anggrek"
    ws.append(
        [_("Officer metrics %(first)s to %(last)s", first=first.isoformat(), last=last.isoformat())]
    )
    ws.append(header)
    for row in data:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return send_file(
        buf,
        as_attachment=True,
        download_name=f"{name}.xlsx",
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# ----- satisfaction ---------------------------------------------------------------------------


@bp.get("/satisfaction")
@roles(*OBSERVERS)
def show_satisfaction():
    period = request.args.get("period", "month")
    if period not in metrics.PERIODS:
        period = "month"
    day = _day_arg("date")
    first, last = metrics.period_days(period, day)
    start, end = clock.day_bounds(first)[0], clock.day_bounds(last)[1]
    scope = _officer_scope(me())
    by_officer = ikm.scores(ikm.SurveyResponse.officer, start, end)
    if scope is not None:
        by_officer = {k: v for k, v in by_officer.items() if k in scope}
    users = {u.id: u for u in User.select().where(User.id.in_(list(by_officer)))}
    officer_rows = sorted(
        ((users[k], v) for k, v in by_officer.items() if k in users), key=lambda r: r[0].name
    )
    by_unit = ikm.scores(ikm.SurveyResponse.unit, start, end)
    units = {u.id: u for u in Unit.select().where(Unit.id.in_([k for k in by_unit if k]))}
    unit_rows = [(units.get(k), v) for k, v in by_unit.items()]
    overall = ikm.scores(None, start, end).get(None)
    comments = list(
        ikm.SurveyResponse.select(ikm.SurveyResponse, Counter)
        .join(Counter)
        .where(
            ikm.SurveyResponse.submitted_at >= start,
            ikm.SurveyResponse.submitted_at < end,
            ikm.SurveyResponse.comment != "",
        )
        .order_by(ikm.SurveyResponse.submitted_at.desc())
        .limit(15)
    )
    if scope is not None:
        comments = [c for c in comments if c.officer_id in scope]
    return render(
        "anggrek/satisfaction.html",
        period=period,
        day=day,
        first=first,
        last=last,
        officer_rows=officer_rows,
        unit_rows=unit_rows,
        overall=overall,
        comments=comments,
        users=users,
        grades=ikm.GRADES,
    )


# ----- settings -------------------------------------------------------------------------------


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
    from ..audit.services import record
    from ..extensions import transaction

    values = {name: getattr(form, name).data for name in BOARD_SETTINGS}
    with transaction():
        anggrek_settings.save(values)
        record(
            "anggrek.settings_changed", object_type="Setting", object_id="anggrek", detail=values
        )
    flash(_("Si Anggrek settings were saved."), "success")
    return redirect_to(url_for("anggrek.edit_settings"))


BOARD_SETTINGS = ("calling_late_minutes", "interview_late_minutes")


# ----- counters and their QR codes ------------------------------------------------------------


@bp.get("/counters")
@roles("admin", "atasan", "kepala")
def list_counters():
    return render("anggrek/counters.html", counters=_all_counters(), form=CounterForm())


def _all_counters():
    return list(Counter.select().order_by(Counter.code))


@bp.post("/counters")
@roles(*COUNTER_ADMINS)
def create_counter():
    form = CounterForm()
    if form.validate_on_submit():
        code = form.code.data.strip().upper()
        if Counter.select().where(Counter.code == code).exists():
            form.code.errors.append(_("Another counter already has this code."))
        else:
            unit = Unit.get_or_none(Unit.code == "LANTASKIM") or me().unit
            counter = services.create_counter(code=code, name=form.name.data, unit=unit, actor=me())
            flash(_("Counter %(name)s was created.", name=counter.name), "success")
            return redirect_to(url_for("anggrek.list_counters"))
    return render_invalid("anggrek/counters.html", counters=_all_counters(), form=form)


@bp.route("/counters/<int:counter_id>/edit", methods=["GET", "POST"])
@roles(*COUNTER_ADMINS)
def edit_counter(counter_id):
    counter = Counter.get_or_none(Counter.id == counter_id)
    require(counter is not None)
    form = CounterForm(obj=counter)
    if form.validate_on_submit():
        code = form.code.data.strip().upper()
        active = request.form.get("is_active") == "y"
        clash = Counter.select().where(Counter.code == code, Counter.id != counter.id).exists()
        if clash:
            form.code.errors.append(_("Another counter already has this code."))
        else:
            try:
                services.update_counter(
                    counter, code=code, name=form.name.data, is_active=active, actor=me()
                )
            except StepRefused as exc:
                form.code.errors.append(str(exc.message))
            else:
                flash(_("Counter %(name)s was saved.", name=counter.name), "success")
                return redirect_to(url_for("anggrek.list_counters"))
    if request.method == "POST":
        return render_invalid("anggrek/counter_form.html", counter=counter, form=form)
    return render("anggrek/counter_form.html", counter=counter, form=form)


def _survey_url(counter):
    return url_for("anggrek.survey_form", token=counter.survey_token, _external=True)


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
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


# ----- the public survey ----------------------------------------------------------------------


@bp.route("/s/<token>", methods=["GET", "POST"])
@public
def survey_form(token):
    counter = Counter.get_or_none(Counter.survey_token == token)
    require(counter is not None and counter.is_active)
    form = SurveyForm()
    if request.method == "GET":
        form.number.data = request.args.get("t", "")
        return render("anggrek/survey.html", counter=counter, form=form)
    wait = survey.rate_limit_hit(request.remote_addr)
    if wait:
        minutes = max(1, -(-wait // 60))
        return render(
            "anggrek/survey.html",
            _status=429,
            counter=counter,
            form=form,
            error=_(
                "Too many responses were sent from this device. Please try again in "
                "%(minutes)s minutes.",
                minutes=minutes,
            ),
        )
    if not form.validate_on_submit():
        return render_invalid(
            "anggrek/survey.html",
            counter=counter,
            form=form,
            error=_("Please correct the marked answers."),
        )
    ratings = {k: getattr(form, k).data for k in ikm.ELEMENT_KEYS}
    try:
        survey.submit(counter, form.number.data, ratings, form.comment.data)
    except StepRefused as exc:
        form.number.errors = [*form.number.errors, str(exc.message)]
        return render_invalid(
            "anggrek/survey.html", counter=counter, form=form, error=str(exc.message)
        )
    return render("anggrek/survey_thanks.html", counter=counter)


# ----- flags ----------------------------------------------------------------------------------


def _visible_flag(flag_id):
    flag = Flag.get_or_none(Flag.id == flag_id)
    require(flag is not None and flags.can_see(me(), flag))
    return flag


@bp.get("/flags")
@roles(*FLAG_READERS)
def list_flags():
    user = me()
    status = request.args.get("status", "")
    query = flags.visible_to(user).order_by(Flag.created_at.desc())
    if status in FLAG_STATUSES:
        query = query.where(Flag.status == status)
    cases = list(query.limit(500))
    people = (
        {
            u.id: u
            for u in User.select().where(
                User.id.in_({c.officer_id for c in cases} | {c.reporter_id for c in cases})
            )
        }
        if cases
        else {}
    )
    from ..audit.services import record

    record(
        "anggrek.flag.listed",
        object_type="Flag",
        actor=user,
        detail={"status": status or "all", "count": len(cases)},
    )
    return render(
        "anggrek/flags.html",
        cases=cases,
        people=people,
        status=status,
        statuses=FLAG_STATUSES,
        can_raise=user.has_role("atasan"),
    )


def _flag_form():
    form = FlagForm()
    form.officer.choices = [(0, "—")] + [
        (u.id, f"{u.name} ({u.display_nip})")
        for u in services.counter_officers()
        if u.id != me().id
    ]
    return form


def _picker_context(officer_id, day, chosen):
    """The event picker of the flag form: the officer's events of ``day`` plus those chosen."""
    officers = {u.id for u in services.counter_officers()} - {me().id}
    if officer_id not in officers:
        officer_id = 0
    start, end = clock.day_bounds(day)
    events = flags.officer_events(officer_id, start, end, chosen) if officer_id else []
    return dict(events=events, chosen=set(chosen), picker_officer=officer_id, picker_day=day)


@bp.route("/flags/new", methods=["GET", "POST"])
@roles("atasan")
def new_flag():
    form = _flag_form()
    if request.method == "GET":
        form.officer.data = int_arg("officer", 0)
        form.day.data = _day_arg("day")
    if form.validate_on_submit():
        upload = None
        try:
            if form.attachment.data and getattr(form.attachment.data, "filename", ""):
                upload = uploads.check(form.attachment.data)
            officer = User.get_or_none(User.id == form.officer.data)
            if officer is None:
                raise StepRefused("not_officer", _l("Choose an active counter officer."), 422)
            flag = flags.create_flag(
                reporter=me(),
                officer=officer,
                category=form.category.data,
                description=form.description.data,
                event_ids=form.events.data or [],
                upload=upload,
            )
        except uploads.UploadRefused as exc:
            form.attachment.errors = [str(exc.message)]
        except StepRefused as exc:
            field = {
                "events": form.events,
                "category": form.category,
                "description": form.description,
            }.get(exc.code, form.officer)
            field.errors = [*field.errors, str(exc.message)]
        else:
            flash(_("The flag was raised; the head of office has been notified."), "success")
            return redirect_to(url_for("anggrek.show_flag", flag_id=flag.id))
    picker = _picker_context(
        form.officer.data or 0,
        form.day.data or clock.today(),
        [i for i in (form.events.data or []) if isinstance(i, int)],
    )
    if request.method == "POST":
        return render_invalid("anggrek/flag_form.html", form=form, **picker)
    return render("anggrek/flag_form.html", form=form, **picker)


@bp.get("/flags/events")
@roles("atasan")
def flag_events():
    """The event picker of the flag form, reloaded when the officer or the day changes."""
    chosen = int_list_arg("events", max=BIG_ID_MAX)
    return render(
        "anggrek/_flag_events.html",
        **_picker_context(
            int_arg("officer", 0),
            _day_arg("day"),
            chosen,
        ),
    )


@bp.get("/flags/<int:flag_id>")
@roles(*FLAG_READERS)
def show_flag(flag_id):
    flag = _visible_flag(flag_id)
    return render(
        "anggrek/flag.html",
        **_flag_context(flag),
        status_form=FlagStatusForm(),
        note_form=NoteForm(),
    )


def _flag_context(flag, error=None):
    """Everything the case page shows; every rendering of it is a read, and audited."""
    user = me()
    flags.audit_read(flag, user)
    people = {
        u.id: u
        for u in User.select().where(
            User.id.in_([flag.officer_id, flag.reporter_id] + [n.author_id for n in flag.notes])
        )
    }
    return dict(
        flag=flag,
        people=people,
        events=flags.linked_events(flag),
        attachments=list(flag.attachments),
        notes=list(flag.notes.order_by(flags.FlagNote.at)),
        can_decide=flags.can_decide(user, flag),
        can_note=flags.can_add_note(user, flag),
        next_status={"open": FLAG_INVESTIGATING, "investigating": FLAG_RESOLVED}.get(flag.status),
        error=error,
    )


@bp.post("/flags/<int:flag_id>/status")
@roles("kepala")
def change_flag_status(flag_id):
    flag = _visible_flag(flag_id)
    form = FlagStatusForm()
    if form.validate_on_submit():
        try:
            flags.change_status(
                flag,
                me(),
                form.to_status.data,
                resolution=form.resolution.data,
                note=form.note.data,
            )
        except StepRefused as exc:
            return render(
                "anggrek/flag.html",
                _status=exc.status,
                **_flag_context(flag, error=exc.message),
                status_form=form,
                note_form=NoteForm(),
            )
        flash(_("The case was updated."), "success")
        return redirect_to(url_for("anggrek.show_flag", flag_id=flag.id))
    return render_invalid(
        "anggrek/flag.html", **_flag_context(flag), status_form=form, note_form=NoteForm()
    )


@bp.post("/flags/<int:flag_id>/notes")
@roles("atasan", "kepala")
def add_flag_note(flag_id):
    flag = _visible_flag(flag_id)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            flags.add_note(flag, me(), form.body.data)
        except StepRefused as exc:
            return render(
                "anggrek/flag.html",
                _status=exc.status,
                **_flag_context(flag, error=exc.message),
                status_form=FlagStatusForm(),
                note_form=form,
            )
        flash(_("The note was added."), "success")
        return redirect_to(url_for("anggrek.show_flag", flag_id=flag.id))
    return render_invalid(
        "anggrek/flag.html", **_flag_context(flag), status_form=FlagStatusForm(), note_form=form
    )


@bp.get("/flags/<int:flag_id>/attachments/<int:attachment_id>")
@roles(*FLAG_READERS)
def download_flag_attachment(flag_id, attachment_id):
    flag = _visible_flag(flag_id)
    attachment = FlagAttachment.get_or_none(
        FlagAttachment.id == attachment_id, FlagAttachment.flag == flag.id
    )
    require(attachment is not None)
    try:
        path = uploads.path_of(attachment.stored_name)
        handle = open(path, "rb")
    except OSError:
        current_app.logger.error("flag attachment %s missing on disk", attachment.id)
        abort(404)
    flags.audit_read(flag, me(), what="attachment_downloaded")
    response = send_file(
        handle,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.original_name,
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
