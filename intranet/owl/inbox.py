"""Beranda for Si Owl: the applications a permit officer has to process (theirs, the ones nobody
has taken, those past the service standard) and the overstay cases Inteldakim has not seen."""

import datetime as dt

from flask import url_for
from flask_babel import gettext as _
from peewee import fn

from ..audit.models import AuditEntry
from ..core.inbox import Item
from . import settings
from .dates import received_before_standard, wib_today
from .models import OPEN_APPLICATION_STATUSES, Application, OverstayCase

OVERSTAY_VIEWED = "owl.overstay.list_viewed"  # audited by owl.views.overstay.list_overstays


def items(user):
    found = []
    if user.has_role("izin_tinggal"):
        found.extend(_applications(user))
    if user.has_role("inteldakim"):
        found.extend(_overstays(user))
    return found


def _count(*where):
    return Application.select(fn.COUNT(Application.id)).where(*where).scalar() or 0


def _applications(user):
    open_ = Application.status.in_(OPEN_APPLICATION_STATUSES)
    standard = settings.service_standard_days()
    cutoff = received_before_standard(wib_today(), standard, settings.public_holidays())
    return [
        Item(
            group="owl",
            key="owl.mine",
            label=_("Applications assigned to you"),
            count=_count(open_, Application.officer == user.id),
            href=url_for("owl.list_applications", status="mine"),
        ),
        Item(
            group="owl",
            key="owl.received",
            label=_("Applications received, not yet in process"),
            count=_count(Application.status == "received"),
            href=url_for("owl.list_applications", status="received"),
        ),
        Item(
            group="owl",
            key="owl.overdue",
            label=_("Applications past the service standard"),
            count=(overdue := _count(open_, Application.received_on <= cutoff)),
            href=url_for("owl.list_applications", status="overdue"),
            detail=_("Open for more than %(days)d working days.", days=standard),
            urgent=bool(overdue),
        ),
    ]


def _overstays(user):
    last = (
        AuditEntry.select(fn.MAX(AuditEntry.at))
        .where(AuditEntry.actor_id == user.id, AuditEntry.action == OVERSTAY_VIEWED)
        .scalar()
    )
    open_ = OverstayCase.status == "open"
    new = OverstayCase.select(fn.COUNT(OverstayCase.id)).where(open_)
    if isinstance(last, str):  # SQLite hands an aggregate's datetime back as text
        last = dt.datetime.fromisoformat(last)
    if last is not None:
        last = last.replace(microsecond=0)
        new = new.where(OverstayCase.created_at > last)
    escalated = (
        OverstayCase.select(fn.COUNT(OverstayCase.id))
        .where(open_, OverstayCase.escalated_on.is_null(False))
        .scalar()
    )
    return [
        Item(
            group="owl",
            key="owl.overstay_new",
            label=_("Overstay cases new since your last visit")
            if last
            else _("Open overstay cases"),
            count=new.scalar() or 0,
            href=url_for(
                "owl.list_overstays", show="open", since=last.isoformat() if last else None
            ),
        ),
        Item(
            group="owl",
            key="owl.overstay_escalated",
            label=_("Escalated overstay cases still open"),
            count=escalated or 0,
            href=url_for("owl.list_overstays", show="escalated"),
            badge=False,  # counted in the list above when new
        ),
    ]
