"""The counter officer's console: open and close a counter, call, recall, start and finish
tickets. Each step answers htmx with the console fragment (the next step focused, what was done
announced) and an ordinary form post with a redirect back to the console."""

from flask import flash, request, url_for
from flask_babel import gettext as _

from ...core.actor import actor
from ...core.args import parse_int
from ...core.live import after_swap
from ...core.responses import is_fragment_request, redirect_to, render
from ...policy import require, roles
from .. import clock, queries, services
from ..labels import OUTCOME_LABELS
from ..models import Counter, Ticket
from ..services import StepRefused
from .blueprint import bp


def _console_context(error=None):
    user = actor()
    state = services.staffed_by(user)
    ticket = Ticket.get_by_id(state.ticket_id) if state and state.ticket_id else None
    today = clock.today()
    start, end = clock.day_bounds(today)
    recent = queries.recent_steps(user.id, start, end) if state is not None else []
    closed = queries.closed_counters() if state is None else []
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
        queue=queries.queue_summary(today),
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
    """Run ``step(counter)``. A refusal answers htmx with the console, the message in it and
    the refusal's status (not ``refusals.act``: a fragment, not a flash and a redirect)."""
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
    return _console_step(counter_id, lambda c: services.open_counter(c, actor()))


@bp.post("/console/<int:counter_id>/close")
@roles("loket")
def close_counter(counter_id):
    return _console_step(counter_id, lambda c: services.close_counter(c, actor()))


@bp.post("/console/<int:counter_id>/call")
@roles("loket")
def call_ticket(counter_id):
    number = (request.form.get("number") or "").strip()
    if number:  # refused (no such ticket waiting): back to the number, to correct it
        return _console_step(
            counter_id,
            lambda c: services.call_ticket(c, actor(), number),
            refused_focus="#call-number",
        )
    return _console_step(counter_id, lambda c: services.call_next(c, actor()))


@bp.post("/console/<int:counter_id>/recall")
@roles("loket")
def recall_ticket(counter_id):
    return _console_step(counter_id, lambda c: services.recall(c, actor(), _ticket_id()))


@bp.post("/console/<int:counter_id>/start")
@roles("loket")
def start_interview(counter_id):
    return _console_step(counter_id, lambda c: services.start_interview(c, actor(), _ticket_id()))


@bp.post("/console/<int:counter_id>/finish")
@roles("loket")
def finish_ticket(counter_id):
    outcome = request.form.get("outcome", "")
    return _console_step(
        counter_id, lambda c: services.finish_ticket(c, actor(), _ticket_id(), outcome)
    )
