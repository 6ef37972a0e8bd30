"""The outbox page (counts, filters, the newest e-mails, the test e-mail form) and its buttons:
retry every dead e-mail of a kind, pause and resume sending, run the reconciler, send a test
e-mail."""

from flask import current_app, flash, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ...core.actor import actor
from ...core.args import int_arg, text_arg
from ...core.refusals import act
from ...core.responses import redirect_to, render, render_part
from ...policy import roles
from .. import admin, alerts, counts, presenters, queries, reconcile
from .. import labels as notify_labels
from ..forms import TestMessageForm
from ..models import DEAD, STATUSES
from ..queries import PAGE_SIZE
from ..settings import all_settings
from .blueprint import bp


@bp.get("/admin/outbox/")
@roles("admin")
def outbox():
    return _outbox_page()


def _outbox_page(test_to="", test_errors=(), _status=200):
    """The outbox page; ``test_to``/``test_errors``: the test e-mail form sent back with what was
    typed and why it was refused (422)."""
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    kind = text_arg("kind", 80)
    q = text_arg("q", 254)
    before = int_arg("before")
    rows = queries.outbox_rows(status, kind, q, before)
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    locale = str(get_locale() or "id")
    labels = presenters.status_labels(locale)
    by_kind = counts.counts_by_kind()
    by_status = {}
    for kind_counts in by_kind.values():
        for s, n in kind_counts.items():
            by_status[s] = by_status.get(s, 0) + n
    latest_dead = counts.latest_dead_id() if by_status.get(DEAD) else None
    settings = all_settings()
    token = current_app.jinja_env.globals["csrf_token"]()
    alerts.outbox_opened(current_user.id, token, latest_dead)
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
        tuple((k, tuple(kind_counts.items())) for k, kind_counts in by_kind.items()),
    )
    head = render_part(
        "notify/_outbox_head.html",
        head_key,
        lambda: dict(
            token=token,
            paused=settings["paused"],
            by_status=by_status,
            by_kind=by_kind,
            kind_rows=presenters.count_links(by_kind, base),
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
        rows_html=presenters.display_rows(rows, locale, labels, detail_base),
        more=more,
        older_href=url_for("notify.outbox", before=rows[-1][0], status=status, kind=kind, q=q)
        if more
        else "",
    )


@bp.post("/admin/outbox/retry-dead")
@roles("admin")
def retry_dead():
    kind = text_arg("kind", 80, args=request.form)
    back = url_for("notify.outbox", kind=kind or None)
    if not kind:
        flash(_("Choose the kind of messages to retry."), "danger")
        return redirect_to(back)
    return act(
        lambda: admin.retry_dead(kind, actor=actor()),
        back=back,
        success=lambda count: _(
            "%(count)d dead message(s) of %(kind)s queued again.",
            count=count,
            kind=notify_labels.kind_label(kind),
        ),
    )


@bp.post("/admin/outbox/pause")
@roles("admin")
def pause_sending():
    admin.pause_sending(actor=actor())
    flash(_("Sending is paused. New e-mails wait in the outbox until you resume."), "warning")
    return redirect_to(url_for("notify.outbox"))


@bp.post("/admin/outbox/resume")
@roles("admin")
def resume_sending():
    admin.resume_sending(actor=actor())
    flash(_("Sending resumed: waiting e-mails are on their way."), "success")
    return redirect_to(url_for("notify.outbox"))


@bp.post("/admin/outbox/reconcile")
@roles("admin")
def run_reconciler():
    result = reconcile.reconcile()
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
    row = admin.send_test_message(form.to.data.strip(), actor())
    flash(_("A test e-mail to %(to)s is queued.", to=row.to_address), "success")
    return redirect_to(url_for("notify.show_message", message_id=row.id))
