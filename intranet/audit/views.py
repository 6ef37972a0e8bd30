"""Admins browse the audit log with filters."""

import datetime as dt

from flask import Blueprint, request
from flask_babel import lazy_gettext as _l

from ..core.args import BIG_ID_MAX, date_arg, int_arg
from ..core.filters import WIB
from ..core.navigation import ADMIN
from ..core.responses import render
from ..policy import roles
from . import labels
from .models import AuditEntry

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

NAV_GROUP = ADMIN
NAV = [("audit.list_entries", _l("Audit log"))]

PAGE_SIZE = 100


def _wib_day_start_utc(day):
    local = dt.datetime.combine(day, dt.time.min, tzinfo=WIB)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


@bp.get("/")
@roles("admin")
def list_entries():
    action = (request.args.get("action") or "").strip()
    actor = (request.args.get("actor") or "").strip()
    obj = (request.args.get("object") or "").strip()
    date_from = date_arg("from")
    date_to = date_arg("to")
    before = int_arg("before", max=BIG_ID_MAX)
    query = AuditEntry.select().order_by(AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action.startswith(action))
    if actor:
        query = query.where(AuditEntry.actor_label.contains(actor))
    if obj:
        kind, _, ident = obj.partition(":")
        query = query.where(AuditEntry.object_type == kind)
        if ident:
            query = query.where(AuditEntry.object_id == ident)
    if date_from:
        query = query.where(AuditEntry.at >= _wib_day_start_utc(date_from))
    if date_to:
        query = query.where(AuditEntry.at < _wib_day_start_utc(date_to + dt.timedelta(days=1)))
    if before:
        query = query.where(AuditEntry.id < before)
    entries = list(query.limit(PAGE_SIZE + 1))
    more = len(entries) > PAGE_SIZE
    entries = entries[:PAGE_SIZE]
    actions = [
        a.action
        for a in AuditEntry.select(AuditEntry.action).distinct().order_by(AuditEntry.action)
    ]
    return render(
        "audit/list.html",
        labels=labels,
        entries=entries,
        more=more,
        actions=actions,
        action=action,
        actor=actor,
        obj=obj,
        date_from=request.args.get("from", ""),
        date_to=request.args.get("to", ""),
        filter_args={
            "action": action,
            "actor": actor,
            "object": obj,
            "from": request.args.get("from", ""),
            "to": request.args.get("to", ""),
        },
    )
