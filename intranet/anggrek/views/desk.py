"""The ticket desk: today's (or a chosen day's) tickets, and issuing the next ticket of a
service."""

from ...core.actor import actor
from ...core.args import date_arg
from ...core.responses import render, render_invalid
from ...policy import roles
from .. import clock, queries, services
from ..forms import IssueTicketForm
from .blueprint import bp


def _tickets_context(form=None, issued=None):
    day = date_arg("day", clock.today())
    return dict(
        day=day,
        tickets=queries.tickets_of_day(day),
        form=form or IssueTicketForm(),
        issued=issued,
        queue=queries.queue_summary(day),
        can_issue=actor().has_role("resepsionis", "atasan"),
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
    ticket = services.issue_ticket(form.service.data, actor=actor())
    return render("anggrek/tickets.html", **_tickets_context(issued=ticket))
