"""The supervisor's review queue: the list with its filters, the inline decision on a row (htmx
swaps the row and the count), and bulk approval.

Whoever has direct reports reviews them, whatever their roles (a head of office reviews the
section heads who report to her): policy.HAS_REPORTS. An atasan without reports sees an empty
queue.
"""

from urllib.parse import parse_qsl, urlsplit

from flask import flash, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from ...core.actor import actor
from ...core.args import date_arg, int_arg, int_list_arg, page_arg, text_arg
from ...core.live import after_swap
from ...core.responses import (
    is_fragment_request,
    redirect_to,
    render,
    render_invalid,
    render_part,
)
from ...policy import HAS_REPORTS, require, roles
from .. import presenters, queries, review
from ..errors import CempakaError
from ..forms import DecisionForm
from ..models import FLAG_BITS, STATUSES
from .blueprint import PER_PAGE, bp, get_submission


def _queue_filters(args=None):
    """The queue's filters from the query string (``args``: another page's, parsed)."""
    args = request.args if args is None else args
    f = queries.QueueFilters()
    f.employee_id = int_arg("employee", args=args)
    status = args.get("status", "")
    f.status = status if status in STATUSES else ""
    flag = int_arg("flag", 0, min=-1, args=args)
    f.flag = flag if flag in FLAG_BITS or flag == -1 else 0
    f.date_from = date_arg("from", args=args)
    f.date_to = date_arg("to", args=args)
    f.q = text_arg("q", 100, args=args)
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


@bp.get("/review")
@roles("atasan", HAS_REPORTS)
def review_queue():
    me = actor()
    filters = _queue_filters()
    page = page_arg(max=10_000)
    rows, pending_count, has_next = queries.review_queue(me, filters, page, PER_PAGE)
    context = dict(
        rows=presenters.queue_rows(rows),
        pending_count=pending_count,
        has_next=has_next,
        page=page,
        filters=filters,
        args=_queue_args(filters),
    )
    if is_fragment_request() and request.htmx.target == "queue-rows":
        return render("cempaka/_queue_rows.html", **context)
    options = presenters.report_options(queries.reports_list(me.id), filters.employee_id)
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
    submission = get_submission(submission_id)
    me = actor()
    require(review.can_review(me, submission, submission.employee))
    form = DecisionForm()
    error = done = None
    if form.validate_on_submit():
        if form.version.data and form.version.data != submission.version:
            error = _("This deliverable was revised meanwhile; look at the new version first.")
        else:
            try:
                submission = review.decide(
                    submission, me, form.decision.data, form.comment.data or ""
                )
            except CempakaError as exc:
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
        [queries.queue_row(submission_id)], error=error, comment=form.comment.data or ""
    )
    row_id = f"#sub-{submission_id}"
    if error:  # the row keeps its form, the message beside the comment (role="alert")
        response = render_invalid("cempaka/_queue_row.html", row=row)
        return after_swap(response, focus=f"{row_id} textarea", fallback=row_id)
    # the queue's count with the row (out of band), counted with the page's filters
    _rows, pending_count, _more = queries.review_queue(me, _page_filters(), 1, 1)
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
        return queries.QueueFilters()
    return _queue_filters(MultiDict(parse_qsl(url.query, keep_blank_values=True)))


@bp.post("/review/approve")
@roles("atasan", HAS_REPORTS)
def bulk_approve():
    ids = int_list_arg("ids", args=request.form)
    if not ids:
        flash(_("Select the deliverables to approve."), "warning")
        return redirect_to(url_for("cempaka.review_queue"))
    result = review.bulk_approve(actor(), ids)
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
