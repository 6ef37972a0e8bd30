"""Beranda for Si Cempaka: deliverables a supervisor has to review (and how long the oldest has
waited), revision requests an employee has to answer."""

from flask import url_for
from flask_babel import gettext as _
from peewee import fn

from ..core.inbox import Item, waited
from .models import PENDING, REVISION, Submission
from .queries import reports_of, status_counts


def items(user):
    found = []
    if user.has_role("atasan") or user.has_direct_reports:
        count, oldest = (
            Submission.select(fn.COUNT(Submission.id), fn.MIN(Submission.submitted_at))
            .where(Submission.employee.in_(reports_of(user)), Submission.status == PENDING)
            .tuples()
            .get()
        )
        found.append(
            Item(
                group="cempaka",
                key="cempaka.to_review",
                label=_("Deliverables to review"),
                count=count or 0,
                href=url_for("cempaka.review_queue", status=PENDING),
                detail=_("The oldest has waited %(time)s.", time=waited(oldest)) if count else "",
            )
        )
    if user.has_role("pegawai"):
        found.append(
            Item(
                group="cempaka",
                key="cempaka.revisions",
                label=_("Revision requests to answer"),
                count=status_counts(user).get(REVISION, 0),
                href=url_for("cempaka.my_submissions", status=REVISION),
            )
        )
    return found
