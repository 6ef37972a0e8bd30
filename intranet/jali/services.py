"""Registering visitors, checking them out, and the closing-time sweep.

Every write happens in one ``with transaction():`` together with its audit entry and the outbox
rows it causes (the host notice, the Inteldakim alert), so a visit is never half-registered and an
e-mail is never queued for a visit that was not saved.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from ..audit.services import record
from ..core.filters import WIB, to_wib
from ..extensions import transaction
from ..models import utcnow
from . import permits
from .models import (
    ID_PASSPORT,
    ID_TYPE_FOR,
    OFFICIAL,
    OUT_DESK,
    OUT_SWEEP,
    PERMIT_EXPIRED,
    PERMIT_NOT_FOUND,
    PERMIT_UNAVAILABLE,
    PERMIT_VALID,
    WNA,
    WNI,
    Visit,
    VisitCounter,
    Visitor,
)
from .notifications import queue_host_notice, queue_inteldakim_alert
from .settings import closing_time

log = logging.getLogger(__name__)


def wib_today(now=None):
    return to_wib(now or utcnow()).date()


def wib_to_utc(day, hour, minute):
    """Naive UTC of a WIB wall-clock time."""
    local = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=WIB)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def day_bounds_utc(day):
    """[start, end) of a WIB calendar day in naive UTC."""
    start = wib_to_utc(day, 0, 0)
    return start, start + dt.timedelta(days=1)


@dataclass(frozen=True)
class VisitInput:
    """A validated registration (see forms.VisitForm.to_input)."""

    category: str
    name: str
    purpose: str
    id_number: str | None = None  # normalised; None for an official guest without one
    nationality: str = ""  # alpha-2; "ID" for WNI
    institution: str = ""
    phone: str = ""
    host_id: int | None = None
    host_unit_id: int | None = None


@dataclass(frozen=True)
class PermitCheck:
    """What the desk shows about a WNA's stay permit."""

    state: str  # PERMIT_* constant
    status: object = None  # Si Owl's PassportStatus, when found


def check_permit(passport_number, today=None):
    """Ask Si Owl about a passport. Never raises: a failing look-up must not stop the desk."""
    try:
        status = permits.permit_status(passport_number, today=today)
    except Exception:  # Si Owl failing must not stop the desk: report it, register the visitor
        log.exception("stay-permit look-up failed")
        return PermitCheck(PERMIT_UNAVAILABLE)
    if status is None:
        return PermitCheck(PERMIT_NOT_FOUND if permits.owl_installed() else PERMIT_UNAVAILABLE)
    return PermitCheck(PERMIT_EXPIRED if status.expired else PERMIT_VALID, status)


def find_visitor(category, id_number, nationality=""):
    """The visitor already known under this identity, or None."""
    if not id_number:
        return None
    id_type = ID_TYPE_FOR[category]
    if category == WNI:
        nationality = "ID"
    elif category == OFFICIAL:
        nationality = ""
    query = Visitor.select().where(Visitor.id_type == id_type, Visitor.id_number == id_number)
    if id_type == ID_PASSPORT and nationality:
        query = query.where(Visitor.nationality == nationality)
    return query.order_by(Visitor.last_seen_at.desc()).first()


def last_visit(visitor):
    if visitor is None:
        return None
    return visitor.visits.order_by(Visit.checked_in_at.desc()).first()


def _upsert_visitor(data, now):
    id_type = ID_TYPE_FOR[data.category]
    nationality = {WNI: "ID", WNA: data.nationality, OFFICIAL: ""}[data.category]
    fields = {
        Visitor.name: data.name,
        Visitor.institution: data.institution,
        Visitor.phone: data.phone,
        Visitor.last_seen_at: now,
    }
    if data.id_number is None:
        return Visitor.create(
            id_type=id_type,
            id_number=None,
            nationality=nationality,
            name=data.name,
            institution=data.institution,
            phone=data.phone,
            visit_count=1,
            first_seen_at=now,
            last_seen_at=now,
        )
    (
        Visitor.insert(
            id_type=id_type,
            id_number=data.id_number,
            nationality=nationality,
            name=data.name,
            institution=data.institution,
            phone=data.phone,
            visit_count=1,
            first_seen_at=now,
            last_seen_at=now,
        )
        .on_conflict(
            conflict_target=[Visitor.id_type, Visitor.id_number, Visitor.nationality],
            update={**fields, Visitor.visit_count: Visitor.visit_count + 1},
        )
        .execute()
    )
    return Visitor.get(
        Visitor.id_type == id_type,
        Visitor.id_number == data.id_number,
        Visitor.nationality == nationality,
    )


def _next_number(day):
    """The day's next visitor number. The upsert holds the counter row's lock until commit."""
    (
        VisitCounter.insert(day=day, last=1)
        .on_conflict(
            conflict_target=[VisitCounter.day],
            update={VisitCounter.last: VisitCounter.last + 1},
        )
        .execute()
    )
    return VisitCounter.get_by_id(day).last


def register_visit(data, *, actor, now=None, permit=None):
    """Register one arrival; returns (visit, PermitCheck or None).

    ``permit`` is the result of ``check_permit`` when the caller already has it; for a WNA it is
    otherwise looked up here, before the write transaction (Si Owl's read must not hold the lock).
    """
    now = now or utcnow()
    today = wib_today(now)
    if data.category == WNA and permit is None:
        permit = check_permit(data.id_number, today=today)
    if data.category != WNA:
        permit = None
    status = permit.status if permit else None
    with transaction():
        visitor = _upsert_visitor(data, now)
        visit = Visit.create(
            visit_date=today,
            number=_next_number(today),
            category=data.category,
            visitor=visitor,
            name=data.name,
            institution=data.institution,
            phone=data.phone,
            purpose=data.purpose,
            host=data.host_id,
            host_unit=data.host_unit_id,
            registered_by=actor.id if actor is not None else None,
            checked_in_at=now,
            permit_state=permit.state if permit else "",
            foreigner_id=getattr(status, "foreigner_id", None),
            permit_type=(getattr(status, "permit_type", None) or "")[:20],
            permit_number=(getattr(status, "permit_number", None) or "")[:50],
            permit_expiry=getattr(status, "expiry_date", None),
            days_overstayed=getattr(status, "days_overstayed", 0) or 0,
            extension_in_process=bool(getattr(status, "extension_in_process", False)),
        )
        detail = {"category": data.category, "number": visit.number}
        if permit is not None:
            detail["permit"] = permit.state
            if status is not None:
                detail["foreigner_id"] = status.foreigner_id
        record("jali.visit_registered", visit, actor=actor, detail=detail)
        if data.category == OFFICIAL:
            sent_to = queue_host_notice(visit)
            if sent_to:
                record("jali.host_notified", visit, actor=actor, detail={"recipients": sent_to})
        if permit is not None and permit.state == PERMIT_EXPIRED:
            alerted = queue_inteldakim_alert(visit, passport_number=data.id_number)
            if alerted:
                Visit.update(inteldakim_alerted_at=now).where(Visit.id == visit.id).execute()
                visit.inteldakim_alerted_at = now
                record(
                    "jali.inteldakim_alerted", visit, actor=actor, detail={"recipients": alerted}
                )
    return visit, permit


def check_out(visit, *, actor, method=OUT_DESK, now=None):
    """Check a visitor out; False when they were already out (nothing changes then)."""
    now = now or utcnow()
    with transaction():
        changed = (
            Visit.update(
                checked_out_at=now,
                checkout_method=method,
                checked_out_by=actor.id if actor is not None else None,
            )
            .where(Visit.id == visit.id, Visit.checked_out_at.is_null())
            .execute()
        )
        if changed:
            record("jali.visit_checked_out", visit, actor=actor, detail={"method": method})
    if changed:
        visit.checked_out_at, visit.checkout_method = now, method
    return bool(changed)


def closing_sweep(now=None):
    """Check out everyone still registered as inside and mark them swept. Returns how many.

    The check-out time is the day's closing time (settings) when the visitor arrived before it,
    so a sweep that runs late does not inflate the time spent inside. Running it twice changes
    nothing the second time.
    """
    now = now or utcnow()
    hour, minute = closing_time()
    with transaction():
        rows = list(
            Visit.select(Visit.id, Visit.visit_date, Visit.checked_in_at)
            .where(Visit.checked_out_at.is_null(), Visit.checked_in_at <= now)
            .order_by(Visit.id)
        )
        by_time = {}
        for row in rows:
            closing = wib_to_utc(row.visit_date, hour, minute)
            out_at = closing if row.checked_in_at <= closing <= now else now
            by_time.setdefault(out_at, []).append(row.id)
        swept = 0
        for out_at, ids in by_time.items():
            swept += (
                Visit.update(checked_out_at=out_at, checkout_method=OUT_SWEEP, checked_out_by=None)
                .where(Visit.id.in_(ids), Visit.checked_out_at.is_null())
                .execute()
            )
        if swept:
            record(
                "jali.closing_sweep",
                object_type="Visit",
                object_id="",
                detail={"visits": swept, "ids": [r.id for r in rows][:500]},
            )
    return swept
