"""Beranda for Si Anggrek: a counter officer's queue and counter state; the head's flag cases
awaiting decision."""

from flask import url_for
from flask_babel import gettext as _
from peewee import fn

from ..core.inbox import Item, waited
from . import clock
from .labels import COUNTER_STATE_LABELS
from .models import FLAG_INVESTIGATING, FLAG_OPEN, WAITING, Flag, Ticket
from .queries import UNDECIDED
from .services import staffed_by


def items(user):
    found = []
    if user.has_role("loket"):
        waiting = (
            Ticket.select(fn.COUNT(Ticket.id))
            .where(Ticket.issue_date == clock.today(), Ticket.status == WAITING)
            .scalar()
        )
        state = staffed_by(user)
        if state is None:
            detail = _("You are not staffing a counter.")
        else:
            detail = _(
                "Your counter %(counter)s: %(state)s.",
                counter=state.counter.code,
                state=COUNTER_STATE_LABELS[state.state],
            )
        found.append(
            Item(
                group="anggrek",
                key="anggrek.queue",
                label=_("Tickets waiting in the queue"),
                count=waiting or 0,
                href=url_for("anggrek.show_console"),
                detail=detail,
            )
        )
    if user.has_role("kepala"):
        count, oldest = (
            Flag.select(fn.COUNT(Flag.id), fn.MIN(Flag.created_at))
            .where(
                Flag.status.in_((FLAG_OPEN, FLAG_INVESTIGATING)),
                Flag.officer != user.id,
            )
            .tuples()
            .get()
        )
        found.append(
            Item(
                group="anggrek",
                key="anggrek.flags",
                label=_("Officer reports awaiting your decision"),
                count=count or 0,
                href=url_for("anggrek.list_flags", status=UNDECIDED),
                detail=_("The oldest has waited %(time)s.", time=waited(oldest)) if count else "",
            )
        )
    return found
