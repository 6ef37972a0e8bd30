"""Admin pages of the outbox and the scheduler; password reset by e-mail (public)."""

import datetime as dt
import functools
import time
from urllib.parse import urlencode

import redis
from babel.dates import get_month_names
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2.filters import do_truncate
from markupsafe import Markup, escape

from ..audit.labels import object_label
from ..core.args import int_arg
from ..core.filters import to_wib
from ..core.responses import (
    is_fragment_request,
    redirect_to,
    render,
    render_part,
)
from ..extensions import db, get_redis, is_postgres
from ..policy import roles
from ..scheduling import load_job_modules
from . import labels as notify_labels
from . import services as svc
from .forms import TestMessageForm
from .models import DEAD, FAILED, SENT, STATUSES, OutboxMessage, ScheduledRun
from .rendering import loads_context, redact, render_email
from .settings import all_settings

bp = Blueprint("notify", __name__)

NAV = [
    ("notify.outbox", _l("Outbox")),
    ("notify.scheduler_runs", _l("Scheduled jobs")),
]

PAGE_SIZE = 50
STATUS_LABELS = {
    "queued": _l("queued"),
    "sending": _l("sending"),
    "sent": _l("sent"),
    "failed": _l("failed (will retry)"),
    "dead": _l("dead (gave up)"),
}
RUN_STATUS_LABELS = {
    "enqueued": _l("enqueued"),
    "running": _l("running"),
    "ok": _l("ok"),
    "failed": _l("failed"),
    "lost": _l("lost"),
}
LIST_FIELDS = (
    OutboxMessage.id,
    OutboxMessage.created_at,
    OutboxMessage.kind,
    OutboxMessage.to_address,
    OutboxMessage.subject,
    OutboxMessage.template,
    OutboxMessage.status,
    OutboxMessage.attempts,
    OutboxMessage.last_error,
    OutboxMessage.send_after,
    OutboxMessage.sent_at,
)


STATUS_COLOURS = {
    "queued": "secondary",
    "sending": "info",
    "sent": "success",
    "failed": "warning",
    "dead": "danger",
}


@bp.app_context_processor
def _labels():
    return {
        "outbox_status_labels": STATUS_LABELS,
        "run_status_labels": RUN_STATUS_LABELS,
        "job_label": notify_labels.job_label,
        "describe_outcome": notify_labels.describe,
        "kind_label": notify_labels.kind_label,
        "object_label": object_label,
    }


@functools.lru_cache(maxsize=4)
def _month_names(locale):
    names = get_month_names("abbreviated", locale=locale)
    return {month: names[month] for month in range(1, 13)}


def wib_short(value, locale):
    """What the ``wib`` filter writes ("27 Nov 2026 10:00 WIB"), for the 50 rows of a list page
    without a full Babel pattern round per cell."""
    if value is None:
        return ""
    local = to_wib(value)
    return f"{local.day} {_month_names(locale)[local.month]} {local.year} {local:%H:%M} WIB"


# ----- alert admins about dead messages ----------------------------------------------------------

SEEN_KEY = "intranet:notify:dead-seen:{user}"


def _dead_seen(user_id):
    try:
        return int(get_redis().get(SEEN_KEY.format(user=user_id)) or 0)
    except (redis.RedisError, OSError):
        return 0


def _mark_dead_seen(user_id, latest):
    try:
        get_redis().set(SEEN_KEY.format(user=user_id), int(latest or 0))
    except (redis.RedisError, OSError):
        pass  # the alert shows again later; nothing else depends on it


# (admin, the session's CSRF token, newest dead id) -> when this process last found that id
# seen. The stored value only grows (it is set only to a larger id), so while the newest dead
# id stays the same an admin reloading the outbox needs no Redis round trip; re-checked after a
# minute (should Redis have lost the key) and for every new session or newer dead row.
_SEEN_CONFIRMED = {}
_SEEN_CONFIRMED_SECONDS = 60


def _outbox_opened(user_id, token, latest_dead):
    """The admin opened the outbox: the dead messages up to ``latest_dead`` are seen."""
    if not latest_dead:
        return
    key = (user_id, token, latest_dead)
    now = time.monotonic()
    confirmed = _SEEN_CONFIRMED.get(key)
    if confirmed is not None and now - confirmed < _SEEN_CONFIRMED_SECONDS:
        return
    if latest_dead > _dead_seen(user_id):
        _mark_dead_seen(user_id, latest_dead)
    if len(_SEEN_CONFIRMED) > 1000:
        _SEEN_CONFIRMED.clear()
    _SEEN_CONFIRMED[key] = now


@bp.before_app_request
def _alert_dead_messages():
    """Admins see, on their next page, that e-mails gave up - until they open the outbox."""
    if request.method != "GET" or request.endpoint in (None, "static") or is_fragment_request():
        return None
    if "text/html" not in request.headers.get("Accept", ""):
        return None
    if request.endpoint.startswith("notify.") or not current_user.is_authenticated:
        return None
    if not current_user.has_role("admin"):
        return None
    latest = svc.latest_dead_id()
    if latest and latest > _dead_seen(current_user.id):
        link = url_for("notify.outbox", status=DEAD)
        message = Markup('{} <a class="alert-link" href="{}">{}</a>').format(
            _("Some e-mails could not be delivered and gave up."), link, _("Open the outbox")
        )
        flash(message, "warning")
    return None


# ----- outbox ------------------------------------------------------------------------------------


_OUTBOX_SQL = (
    "SELECT id, created_at, kind, to_address, subject, template, status, attempts, last_error, "
    'send_after, sent_at FROM "outbox_message"{where} ORDER BY id DESC LIMIT {limit}'
)


@functools.lru_cache(maxsize=32)
def _outbox_sql(param, postgres, status, kind, q, before):
    """The list query for one combination of filters, built once: newest first, keyset on id
    (the primary key, or the (status) / (kind, status) index, which end in the id)."""
    where = []
    if status:
        where.append(f"status = {param}")
    if kind:
        where.append(f"kind = {param}")
    if q:
        like = "ILIKE" if postgres else "LIKE"
        where.append(
            f"(to_address = {param} OR to_address = {param} OR key = {param}"
            f" OR key {like} {param} ESCAPE '\\')"
        )
    if before:
        where.append(f"id < {param}")
    return _OUTBOX_SQL.format(
        where=" WHERE " + " AND ".join(where) if where else "", limit=PAGE_SIZE + 1
    )


def _like_prefix(value):
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def _outbox_rows(status, kind, q, before):
    params = []
    if status:
        params.append(status)
    if kind:
        params.append(kind)
    if q:
        params += [q.lower(), q, q, _like_prefix(q)]
    if before:
        params.append(before)
    sql = _outbox_sql(db.obj.param, is_postgres(), bool(status), bool(kind), bool(q), bool(before))
    return db.execute_sql(sql, params).fetchall()


_SEVEN_HOURS = dt.timedelta(hours=7)


def _wib_text(value, months):
    """``wib_short`` for a raw column value (a datetime, or SQLite's ISO text): Jakarta has kept
    UTC+7 since 1964, so later times are shifted without a time-zone lookup."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.year < 1970:
        local = to_wib(value)
    else:
        local = value + _SEVEN_HOURS
    return f"{local.day} {months[local.month]} {local.year} {local.hour:02d}:{local.minute:02d} WIB"


# One row of the outbox table. The page lists 50 rows on every view, so each row is written
# here in one go (text escaped once per distinct value) rather than field by field in Jinja.
_ROW_HTML = (
    '<tr data-id="{id}">'
    '<td><a href="{detail}{id}">{id}</a></td>'
    '<td class="text-nowrap">{created}</td>'
    '<td data-kind="{kind}">{kind_label}</td>'
    '<td class="text-break">{to}</td>'
    "<td>{subject}</td>"
    '<td><span class="badge text-bg-{colour}" data-status="{status}">{label}</span></td>'
    '<td class="text-end">{attempts}</td>'
    '<td class="text-break">{last}</td>'
    "</tr>\n"
)
_LAST_ERROR = '<span class="text-muted">{error}</span>'
_LAST_RETRY = '{next_try}<br><span class="text-muted">{error}</span>'


_ROWS_KEPT = 5000
_ROW_CACHE = {}


def _display_rows(rows, locale, labels, detail_base):
    """The table rows of one page, as markup: dates in WIB without Babel, text escaped once.
    A row's markup depends only on its columns, the language and the link prefix, so it is
    kept per process (up to 5,000 rows) and reused while the row is unchanged (a sent row never
    changes again); any change to a shown column makes a new key."""
    out = []
    missing = []
    for row in rows:
        html = _ROW_CACHE.get((locale, detail_base, row))
        if html is None:
            missing.append(len(out))
        out.append(html or row)
    if missing:
        if len(_ROW_CACHE) + len(missing) > _ROWS_KEPT:
            _ROW_CACHE.clear()
        months = _month_names(locale)
        truncate = functools.partial(do_truncate, current_app.jinja_env, length=120)
        detail = escape(detail_base)
        for i in missing:
            row = out[i]
            out[i] = _ROW_CACHE[(locale, detail_base, row)] = _row_html(
                row, months, labels, detail, truncate
            )
    return Markup("".join(out))  # noqa: S704 - every value in a row is escaped or a number


def _row_html(row, months, labels, detail, truncate):
    rid, created, kind, to, subject, template, status, attempts, error, after, sent = row
    if status == SENT:
        last = _wib_text(sent, months)
    else:
        error_html = escape(truncate(error or ""))
        if status == FAILED:
            next_try = escape(_("next try %(when)s", when=_wib_text(after, months)))
            last = _LAST_RETRY.format(next_try=next_try, error=error_html)
        else:
            last = _LAST_ERROR.format(error=error_html)
    return _ROW_HTML.format(
        id=int(rid),
        detail=detail,
        created=_wib_text(created, months),
        kind=escape(kind),
        kind_label=escape(notify_labels.kind_label(kind)),
        to=escape(to),
        subject=escape(subject or template),
        colour=STATUS_COLOURS.get(status, "secondary"),
        status=escape(status),
        label=escape(labels.get(status, status)),
        attempts=int(attempts),
        last=last,
    )


def _count_links(by_kind, base):
    """(kind, its link, [(status, n, link or None)], dead n) per kind of the counts table."""
    out = []
    for kind, counts in by_kind.items():
        kind_href = f"{base}?{urlencode({'kind': kind})}"
        cells = [
            (s, counts.get(s, 0), f"{kind_href}&status={s}" if counts.get(s) else None)
            for s in STATUSES
        ]
        out.append((kind, kind_href, cells, counts.get(DEAD, 0)))
    return out


@bp.get("/admin/outbox/")
@roles("admin")
def outbox():
    return _outbox_page()


def _outbox_page(test_to="", test_errors=(), _status=200):
    """The outbox page; ``test_to``/``test_errors``: the test e-mail form sent back with what was
    typed and why it was refused (422)."""
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    kind = (request.args.get("kind") or "").strip()[:80]
    q = (request.args.get("q") or "").strip()[:254]
    before = int_arg("before")
    rows = _outbox_rows(status, kind, q, before)
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    locale = str(get_locale() or "id")
    labels = _LABELS.get(locale)
    if labels is None:
        labels = _LABELS[locale] = {k: str(v) for k, v in STATUS_LABELS.items()}
    by_kind = svc.counts_by_kind()
    by_status = {}
    for counts in by_kind.values():
        for s, n in counts.items():
            by_status[s] = by_status.get(s, 0) + n
    latest_dead = svc.latest_dead_id() if by_status.get(DEAD) else None
    settings = all_settings()
    token = current_app.jinja_env.globals["csrf_token"]()
    _outbox_opened(current_user.id, token, latest_dead)
    base = url_for("notify.outbox")
    detail_base = url_for("notify.show_message", message_id=0)[:-1]
    head_key = (
        locale,
        base,
        token,
        settings["paused"],
        status,
        kind,
        q,
        tuple((k, tuple(counts.items())) for k, counts in by_kind.items()),
    )
    head = render_part(
        "notify/_outbox_head.html",
        head_key,
        lambda: dict(
            token=token,
            paused=settings["paused"],
            by_status=by_status,
            by_kind=by_kind,
            kind_rows=_count_links(by_kind, base),
            outbox_base=base,
            statuses=STATUSES,
            status_filter=status,
            kind_filter=kind,
            q=q,
            labels=labels,
        ),
    )
    foot = render_part(
        "notify/_outbox_foot.html",
        (locale, base, token, tuple(settings.items()), test_to, tuple(test_errors)),
        lambda: dict(token=token, settings=settings, test_to=test_to, test_errors=test_errors),
    )
    return render(
        "notify/outbox.html",
        _status=_status,
        head_html=head,
        foot_html=foot,
        rows_html=_display_rows(rows, locale, labels, detail_base),
        more=more,
        older_href=url_for("notify.outbox", before=rows[-1][0], status=status, kind=kind, q=q)
        if more
        else "",
    )


_LABELS = {}  # language -> {status: label}, filled by the first request in that language


def _message_or_404(message_id):
    row = OutboxMessage.get_or_none(OutboxMessage.id == message_id)
    if row is None:
        abort(404)
    return row


@bp.get("/admin/outbox/<int:message_id>")
@roles("admin")
def show_message(message_id):
    from ..audit.services import record

    row = _message_or_404(message_id)
    context = redact(loads_context(row.context))
    error = None
    subject = text = ""
    try:
        subject, text, _html = render_email(row.template, context, row.language)
    except Exception as exc:  # a broken template or context: show why, not a 500
        error = f"{exc.__class__.__name__}: {exc}"
    # The rendered text may hold pay amounts or permit data: reading it is audited.
    record("notify.message_viewed", row, detail={"kind": row.kind})
    return render(
        "notify/message.html",
        row=row,
        subject=subject,
        text=text,
        render_error=error,
        error_lines=[line for line in row.error_log.splitlines() if line],
    )


@bp.get("/admin/outbox/<int:message_id>/html")
@roles("admin")
def message_html(message_id):
    row = _message_or_404(message_id)
    try:
        _subject, _text, html = render_email(
            row.template, redact(loads_context(row.context)), row.language
        )
    except Exception:
        abort(404)
    response = make_response(html)
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    # E-mail HTML uses inline styles; it is shown sandboxed, with no scripts and no remote loads.
    response.headers["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    )
    return response


@bp.post("/admin/outbox/<int:message_id>/retry")
@roles("admin")
def retry_message(message_id):
    _message_or_404(message_id)
    try:
        svc.retry_message(message_id, actor=current_user._get_current_object())
    except svc.OutboxError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("The message is queued again."), "success")
    return redirect_to(url_for("notify.show_message", message_id=message_id))


@bp.post("/admin/outbox/retry-dead")
@roles("admin")
def retry_dead():
    kind = (request.form.get("kind") or "").strip()[:80]
    if not kind:
        flash(_("Choose the kind of messages to retry."), "danger")
    else:
        try:
            count = svc.retry_dead(kind, actor=current_user._get_current_object())
        except svc.OutboxError as exc:
            flash(str(exc), "danger")
        else:
            flash(
                _(
                    "%(count)d dead message(s) of %(kind)s queued again.",
                    count=count,
                    kind=notify_labels.kind_label(kind),
                ),
                "success",
            )
    return redirect_to(url_for("notify.outbox", kind=kind or None))


@bp.post("/admin/outbox/pause")
@roles("admin")
def pause_sending():
    svc.pause_sending(actor=current_user._get_current_object())
    flash(_("Sending is paused. New e-mails wait in the outbox until you resume."), "warning")
    return redirect_to(url_for("notify.outbox"))


@bp.post("/admin/outbox/resume")
@roles("admin")
def resume_sending():
    svc.resume_sending(actor=current_user._get_current_object())
    flash(_("Sending resumed: waiting e-mails are on their way."), "success")
    return redirect_to(url_for("notify.outbox"))


@bp.post("/admin/outbox/reconcile")
@roles("admin")
def run_reconciler():
    result = svc.reconcile()
    flash(
        _(
            "Reconciler: %(reset)d stuck message(s) reset, %(enqueued)d handed to workers.",
            reset=result["reset"],
            enqueued=result["enqueued"],
        ),
        "info",
    )
    return redirect_to(url_for("notify.outbox"))


@bp.post("/admin/outbox/test")
@roles("admin")
def send_test():
    form = TestMessageForm()
    if not form.validate_on_submit():
        errors = [str(e) for errors in form.errors.values() for e in errors]
        return _outbox_page(test_to=(form.to.data or "")[:254], test_errors=errors, _status=422)
    row = svc.send_test_message(form.to.data.strip(), current_user._get_current_object())
    flash(_("A test e-mail to %(to)s is queued.", to=row.to_address), "success")
    return redirect_to(url_for("notify.show_message", message_id=row.id))


# ----- scheduler ---------------------------------------------------------------------------------


@bp.get("/admin/scheduler/")
@roles("admin")
def scheduler_runs():
    jobs = load_job_modules()
    job_filter = (request.args.get("job") or "").strip()[:100]
    before = int_arg("before")
    latest = {}
    for name in jobs:
        latest[name] = (
            ScheduledRun.select()
            .where(ScheduledRun.job == name)
            .order_by(ScheduledRun.slot.desc())
            .first()
        )
    query = ScheduledRun.select().order_by(ScheduledRun.id.desc())
    if job_filter:
        query = query.where(ScheduledRun.job == job_filter)
    if before:
        query = query.where(ScheduledRun.id < before)
    runs = list(query.limit(PAGE_SIZE + 1))
    more = len(runs) > PAGE_SIZE
    return render(
        "notify/scheduler.html",
        jobs=dict(sorted(jobs.items())),
        latest=latest,
        runs=runs[:PAGE_SIZE],
        more=more,
        job_filter=job_filter,
    )
