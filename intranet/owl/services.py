"""Si Owl's operations: the registry, staged expiry warnings, application decisions, overstay
cases and digests, disruption notices, and the look-ups other services and the public page use.

Every state change runs in one ``with transaction():`` with its audit entry and its outbox rows.
Everything that depends on the calendar takes an explicit ``today`` (a date in Jakarta), so jobs
pass the day they run for and tests fix it.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from peewee import SQL, IntegrityError, Value, fn

from ..audit.services import record
from ..extensions import db, transaction
from ..models import utcnow
from ..notify.services import is_valid_address
from ..people.models import User, UserRole
from . import notifications, settings
from .bulk import insert_rows
from .dates import (  # noqa: F401 - re-exported for views and other services
    WIB,
    as_date,
    extension_window,
    last_working_day_before,
    months_before,
    wib_today,
    working_days_between,
)
from .models import (
    OPEN_APPLICATION_STATUSES,
    RENEWAL_KINDS,
    Application,
    Disruption,
    DisruptionRecipient,
    Foreigner,
    OverstayCase,
    OverstayDigest,
    OverstayFollowUp,
    Permit,
    PermitWarning,
    normalize_number,
    normalize_passport,
)

CHUNK = 500


class OwlError(ValueError):
    """A business rule refused the change. ``str(exc)`` is a message for the user."""


def wib_date_of(moment):
    """The Jakarta calendar date of a naive UTC timestamp."""
    return moment.replace(tzinfo=dt.UTC).astimezone(WIB).date()


def open_renewal_exists(foreigner_ref):
    """A correlated EXISTS: the foreigner has an extension or conversion received or in process."""
    return fn.EXISTS(
        Application.select(SQL("1")).where(
            (Application.foreigner == foreigner_ref)
            & Application.kind.in_(RENEWAL_KINDS)
            & Application.status.in_(OPEN_APPLICATION_STATUSES)
        )
    )


# ----- registry ----------------------------------------------------------------------------------

FOREIGNER_FIELDS = (
    "name",
    "passport_number",
    "passport_country",
    "nationality",
    "date_of_birth",
    "gender",
    "email",
    "phone",
    "language",
    "address",
    "sponsor_name",
    "sponsor_email",
)


def passport_taken(passport_number, passport_country, exclude_id=None):
    query = Foreigner.select().where(
        (Foreigner.passport_key == normalize_passport(passport_number))
        & (Foreigner.passport_country == passport_country)
    )
    if exclude_id:
        query = query.where(Foreigner.id != exclude_id)
    return query.exists()


def _clean_foreigner_fields(fields):
    data = {k: fields[k] for k in FOREIGNER_FIELDS if k in fields}
    for key in (
        "name",
        "passport_number",
        "email",
        "phone",
        "address",
        "sponsor_name",
        "sponsor_email",
    ):
        if key in data:
            data[key] = (data[key] or "").strip()
    for key in ("email", "sponsor_email"):
        if key in data:
            data[key] = data[key].lower()
    if "passport_number" in data:
        data["passport_number"] = data["passport_number"].upper()
        data["passport_key"] = normalize_passport(data["passport_number"])
    return data


def create_foreigner(actor=None, **fields):
    data = _clean_foreigner_fields(fields)
    with transaction():
        if passport_taken(data["passport_number"], data["passport_country"]):
            raise OwlError(_l("A foreigner with this passport is already registered."))
        foreigner = Foreigner.create(**data)
        record(
            "owl.foreigner.created",
            foreigner,
            actor=actor,
            detail={"nationality": foreigner.nationality},
        )
    return foreigner


def update_foreigner(foreigner, actor=None, **fields):
    data = _clean_foreigner_fields(fields)
    with transaction():
        if passport_taken(data["passport_number"], data["passport_country"], foreigner.id):
            raise OwlError(_l("A foreigner with this passport is already registered."))
        changed = sorted(k for k, v in data.items() if getattr(foreigner, k) != v)
        for key, value in data.items():
            setattr(foreigner, key, value)
        foreigner.updated_at = utcnow()
        foreigner.save()
        record("owl.foreigner.updated", foreigner, actor=actor, detail={"fields": changed})
    return foreigner


def current_permit(foreigner_id):
    """The foreigner's latest permit (by issue date), whatever its status."""
    return (
        Permit.select()
        .where(Permit.foreigner == foreigner_id)
        .order_by(Permit.issue_date.desc(), Permit.id.desc())
        .first()
    )


def active_permit(foreigner_id):
    return (
        Permit.select()
        .where((Permit.foreigner == foreigner_id) & (Permit.status == "active"))
        .order_by(Permit.expiry_date.desc(), Permit.id.desc())
        .first()
    )


def _check_permit_values(permit_type, permit_number, issue_date, expiry_date, exclude_id=None):
    if permit_type not in ("ITK", "ITAS", "ITAP"):
        raise OwlError(_l("Choose a permit type."))
    if expiry_date <= issue_date:
        raise OwlError(_l("The expiry date must be after the issue date."))
    query = Permit.select().where(Permit.permit_number == permit_number)
    if exclude_id:
        query = query.where(Permit.id != exclude_id)
    if query.exists():
        raise OwlError(_l("Another permit already has this number."))


def _insert_permit(
    foreigner, *, permit_type, subtype, permit_number, registration_number, issue_date, expiry_date
):
    """Inside a transaction: add a permit. It becomes the active one unless the foreigner's
    active permit runs longer (then it is recorded as history)."""
    permit_number = normalize_number(permit_number)
    _check_permit_values(permit_type, permit_number, issue_date, expiry_date)
    current = active_permit(foreigner.id)
    status = "active"
    if current is not None:
        if current.expiry_date <= expiry_date:
            current.status = "replaced"
            current.updated_at = utcnow()
            current.save()
        else:
            status = "replaced"
    try:
        return Permit.create(
            foreigner=foreigner,
            permit_type=permit_type,
            subtype=subtype or "",
            permit_number=permit_number,
            registration_number=normalize_number(registration_number),
            issue_date=issue_date,
            expiry_date=expiry_date,
            duration_days=(expiry_date - issue_date).days,
            status=status,
        )
    except IntegrityError:
        raise OwlError(_l("Another permit already has this number.")) from None


def add_permit(foreigner, actor=None, **fields):
    with transaction():
        permit = _insert_permit(foreigner, **fields)
        record(
            "owl.permit.created",
            permit,
            actor=actor,
            detail={"foreigner": foreigner.id, "type": permit.permit_type, "status": permit.status},
        )
    return permit


def update_permit(
    permit,
    actor=None,
    *,
    permit_type,
    subtype,
    permit_number,
    registration_number,
    issue_date,
    expiry_date,
):
    permit_number = normalize_number(permit_number)
    with transaction():
        _check_permit_values(permit_type, permit_number, issue_date, expiry_date, permit.id)
        data = dict(
            permit_type=permit_type,
            subtype=subtype or "",
            permit_number=permit_number,
            registration_number=normalize_number(registration_number),
            issue_date=issue_date,
            expiry_date=expiry_date,
        )
        changed = sorted(k for k, v in data.items() if getattr(permit, k) != v)
        for key, value in data.items():
            setattr(permit, key, value)
        permit.duration_days = (expiry_date - issue_date).days
        permit.updated_at = utcnow()
        permit.save()
        record("owl.permit.updated", permit, actor=actor, detail={"fields": changed})
    return permit


CANCEL_REASONS = ("departed", "revoked", "deported", "other")


def cancel_permit(permit, reason, actor=None):
    if reason not in CANCEL_REASONS:
        raise OwlError(_l("Choose a reason."))
    with transaction():
        if permit.status != "active":
            raise OwlError(_l("Only an active permit can be cancelled."))
        permit.status = "cancelled"
        permit.cancel_reason = reason
        permit.updated_at = utcnow()
        permit.save()
        record("owl.permit.cancelled", permit, actor=actor, detail={"reason": reason})
    return permit


# ----- applications ------------------------------------------------------------------------------


def receive_application(foreigner, *, kind, requested_type, received_on, notes="", actor=None):
    if kind not in ("extension", "conversion", "new"):
        raise OwlError(_l("Choose the kind of application."))
    with transaction():
        permit = active_permit(foreigner.id)
        if kind in RENEWAL_KINDS:
            if permit is None:
                raise OwlError(_l("This foreigner has no active permit to extend or convert."))
            if kind == "extension":
                requested_type = permit.permit_type
            elif requested_type == permit.permit_type:
                raise OwlError(_l("A conversion must ask for a different permit type."))
            open_renewal = Application.select().where(
                (Application.foreigner == foreigner.id)
                & Application.kind.in_(RENEWAL_KINDS)
                & Application.status.in_(OPEN_APPLICATION_STATUSES)
            )
            if open_renewal.exists():
                raise OwlError(_l("This foreigner already has an open extension or conversion."))
        else:
            permit = None
        if requested_type not in ("ITK", "ITAS", "ITAP"):
            raise OwlError(_l("Choose a permit type."))
        application = Application.create(
            number=uuid.uuid4().hex[:20],
            foreigner=foreigner,
            permit=permit,
            kind=kind,
            requested_type=requested_type,
            received_on=received_on,
            notes=notes or "",
        )
        application.number = f"IZT-{received_on.year}-{application.id:06d}"
        application.save()
        record(
            "owl.application.received",
            application,
            actor=actor,
            detail={"number": application.number, "kind": kind},
        )
    return application


def start_processing(application, officer, actor=None):
    with transaction():
        if application.status != "received":
            raise OwlError(_l("Only a received application can be taken into process."))
        application.status = "in_process"
        application.officer = officer
        application.started_at = utcnow()
        application.save()
        record(
            "owl.application.started",
            application,
            actor=actor or officer,
            detail={"number": application.number},
        )
    return application


def assign_officer(application, officer, actor=None):
    with transaction():
        if application.status not in OPEN_APPLICATION_STATUSES:
            raise OwlError(_l("A decided application cannot be reassigned."))
        application.officer = officer
        application.save()
        record("owl.application.assigned", application, actor=actor, detail={"officer": officer.id})
    return application


def complete_application(
    application,
    *,
    permit_number,
    registration_number,
    subtype,
    issue_date,
    expiry_date,
    actor=None,
    today=None,
):
    """Decide an application positively: the new permit is recorded (replacing the current one)
    and the foreigner is e-mailed once."""
    today = today or wib_today()
    with transaction():
        if application.status not in OPEN_APPLICATION_STATUSES:
            raise OwlError(_l("This application has already been decided."))
        permit = _insert_permit(
            application.foreigner,
            permit_type=application.requested_type,
            subtype=subtype,
            permit_number=permit_number,
            registration_number=registration_number,
            issue_date=issue_date,
            expiry_date=expiry_date,
        )
        now = utcnow()
        application.status = "completed"
        application.officer = application.officer or actor
        application.started_at = application.started_at or now
        application.decided_at = now
        application.decided_on = today
        application.resulting_permit = permit
        application.save()
        record(
            "owl.application.completed",
            application,
            actor=actor,
            detail={"number": application.number, "permit": permit.id},
        )
        notifications.queue_application_decided(application)
    return application


def reject_application(application, *, reason, actor=None, today=None):
    today = today or wib_today()
    reason = (reason or "").strip()
    if not reason:
        raise OwlError(_l("Give the reason for the rejection."))
    with transaction():
        if application.status not in OPEN_APPLICATION_STATUSES:
            raise OwlError(_l("This application has already been decided."))
        now = utcnow()
        application.status = "rejected"
        application.officer = application.officer or actor
        application.started_at = application.started_at or now
        application.decided_at = now
        application.decided_on = today
        application.decision_note = reason
        application.save()
        record(
            "owl.application.rejected",
            application,
            actor=actor,
            detail={"number": application.number},
        )
        notifications.queue_application_decided(application)
    return application


# ----- staged expiry warnings --------------------------------------------------------------------


def _due_rules(today, rules=None):
    """[(permit type, lead days, lowest expiry, highest expiry)] for the scan of ``today``.

    A permit is due for the stage of lead time L when its days left lie in (L', L], L' being the
    next shorter lead time of its type: a scan missed yesterday catches up, and a stage already
    passed is never sent late. A lead time added after the defaults only covers stages that began
    on or after the day it was added (no back-filling)."""
    windows = []
    rules = settings.lead_rules() if rules is None else rules
    for ptype, entries in rules.items():
        ascending = sorted(entries, key=lambda e: e[0])
        for i, (days, since) in enumerate(ascending):
            shorter = ascending[i - 1][0] if i else -1
            low = today + dt.timedelta(days=shorter + 1)
            if since is not None:
                low = max(low, since + dt.timedelta(days=days))
            high = today + dt.timedelta(days=days)
            if low <= high:
                windows.append((ptype, days, low, high))
    return windows


SCAN_COLUMNS = (
    "p.id, {days} AS lead_days, p.permit_number, p.permit_type, p.expiry_date, f.id, f.name, "
    "f.email, f.language, f.sponsor_email"
)
PAIR_COLUMNS = "p.id, {days} AS lead_days"


def due_sql(today, columns=PAIR_COLUMNS, rules=None):
    """The due (permit, lead time) pairs as one SQL statement: a SELECT per (type, lead time),
    UNION ALL, each an index range on (status, expiry_date); a permit is left out when it was
    issued inside the stage, its foreigner has no e-mail address or an extension or conversion in
    process, or the warning exists. Returns (sql, params); ``columns`` is PAIR_COLUMNS (the
    benchmark's bare query) or SCAN_COLUMNS (what the e-mails need)."""
    param = db.param
    permit, foreigner = Permit._meta.table_name, Foreigner._meta.table_name
    warning, application = PermitWarning._meta.table_name, Application._meta.table_name
    kinds = ", ".join([param] * len(RENEWAL_KINDS))
    states = ", ".join([param] * len(OPEN_APPLICATION_STATUSES))
    branches, params = [], []
    for ptype, days, low, high in _due_rules(today, rules):
        branches.append(
            f"SELECT {columns.format(days=int(days))} "
            f'FROM "{permit}" AS p JOIN "{foreigner}" AS f ON f.id = p.foreigner_id '
            f"WHERE p.status = {param} AND p.expiry_date >= {param} "
            f"AND p.expiry_date <= {param} AND p.permit_type = {param} "
            f"AND p.duration_days > {param} AND f.email <> '' "
            f'AND NOT EXISTS (SELECT 1 FROM "{warning}" AS w '
            f"WHERE w.permit_id = p.id AND w.lead_days = {param}) "
            f'AND NOT EXISTS (SELECT 1 FROM "{application}" AS a '
            f"WHERE a.foreigner_id = p.foreigner_id AND a.kind IN ({kinds}) "
            f"AND a.status IN ({states}))"
        )
        params += [
            "active",
            low.isoformat(),
            high.isoformat(),
            ptype,
            days,
            days,
            *RENEWAL_KINDS,
            *OPEN_APPLICATION_STATUSES,
        ]
    return " UNION ALL ".join(branches), params


@dataclass(frozen=True)
class ScanResult:
    scan_date: dt.date
    due: int  # (permit, lead time) pairs the scan found due
    queued: int  # e-mails written to the outbox (a concurrent scan's keys are not written twice)
    batch: str


def run_permit_scan(today=None):
    """The daily scan: select every due (permit, lead time) pair with one set-based statement
    (``due_sql``), record the warnings and bulk-write their outbox rows in one transaction.
    Running it twice changes nothing: the second finds no pair without a warning."""
    today = today or wib_today()
    batch = uuid.uuid4().hex
    with transaction():
        snap = settings.snapshot()
        sql, params = due_sql(today, SCAN_COLUMNS, snap.lead_rules)
        # A raw cursor: thousands of plain tuples, without building a model row for each.
        rows = list(db.execute_sql(sql, params).fetchall()) if sql else []
        # A malformed address gets no warning row, so the stage is still sent (while it lasts)
        # once the address is corrected.
        rows = [r for r in rows if is_valid_address(r[7])]
        queued = 0
        if rows:
            now = utcnow()
            insert_rows(
                PermitWarning,
                ["permit", "lead_days", "days_left", "scan_date", "batch", "created_at"],
                [(r[0], r[1], (as_date(r[4]) - today).days, today, batch, now) for r in rows],
            )
            queued = notifications.queue_permit_warnings(rows, today, snap)
        record(
            "owl.permit_scan",
            object_type="System",
            detail={"date": today.isoformat(), "due": len(rows), "queued": queued},
        )
    return ScanResult(today, len(rows), queued, batch)


# ----- overstay ----------------------------------------------------------------------------------

MANUAL_CLOSE_REASONS = ("paid", "deported", "closed")


@dataclass(frozen=True)
class OverstayFigures:
    days: int
    charge: int | None  # rupiah owed; None from the escalation threshold (deportation instead)
    escalated: bool


def overstay_figures(expiry_date, today, rate=None, threshold=None):
    rate = settings.overstay_rate() if rate is None else rate
    threshold = settings.escalation_days() if threshold is None else threshold
    days = max(0, (today - as_date(expiry_date)).days)
    escalated = days >= threshold
    return OverstayFigures(days, None if escalated else days * rate, escalated)


def run_overstay_scan(today=None):
    """Open a case for every active permit past expiry with no renewal in process, escalate cases
    at the threshold, close cases whose permit was renewed, cancelled or is being renewed.
    Idempotent: a second run on the same day changes nothing."""
    today = today or wib_today()
    threshold = settings.escalation_days()
    with transaction():
        closed_renewed = (
            OverstayCase.update(status="closed", closed_on=today, closed_reason="renewed")
            .where(
                (OverstayCase.status == "open")
                & OverstayCase.permit.in_(
                    Permit.select(Permit.id).where(Permit.status == "replaced")
                )
            )
            .execute()
        )
        closed_cancelled = (
            OverstayCase.update(status="closed", closed_on=today, closed_reason="cancelled")
            .where(
                (OverstayCase.status == "open")
                & OverstayCase.permit.in_(
                    Permit.select(Permit.id).where(Permit.status == "cancelled")
                )
            )
            .execute()
        )
        closed_in_process = (
            OverstayCase.update(status="closed", closed_on=today, closed_reason="in_process")
            .where((OverstayCase.status == "open") & open_renewal_exists(OverstayCase.foreigner))
            .execute()
        )
        new_cases = Permit.select(
            Permit.id,
            Permit.foreigner,
            Permit.expiry_date,
            Value(today),
            Value("open"),
            Value(""),
            Value(utcnow()),
        ).where(
            (Permit.status == "active")
            & (Permit.expiry_date < today)
            & ~open_renewal_exists(Permit.foreigner)
            & ~fn.EXISTS(
                OverstayCase.select(SQL("1")).where(
                    (OverstayCase.permit == Permit.id)
                    & (
                        (OverstayCase.status == "open")
                        | OverstayCase.closed_reason.in_(MANUAL_CLOSE_REASONS)
                    )
                )
            )
        )
        opened = (
            OverstayCase.insert_from(
                new_cases,
                fields=[
                    OverstayCase.permit,
                    OverstayCase.foreigner,
                    OverstayCase.expiry_date,
                    OverstayCase.opened_on,
                    OverstayCase.status,
                    OverstayCase.closed_reason,
                    OverstayCase.created_at,
                ],
            )
            .as_rowcount()
            .execute()
        )
        escalated = (
            OverstayCase.update(escalated_on=today)
            .where(
                (OverstayCase.status == "open")
                & OverstayCase.escalated_on.is_null()
                & (OverstayCase.expiry_date <= today - dt.timedelta(days=threshold))
            )
            .execute()
        )
        summary = {
            "date": today.isoformat(),
            "opened": opened,
            "escalated": escalated,
            "closed": closed_renewed + closed_cancelled + closed_in_process,
        }
        record("owl.overstay_scan", object_type="System", detail=summary)
    return summary


def inteldakim_officers():
    return list(
        User.select()
        .join(UserRole, on=(UserRole.user == User.id))
        .where((UserRole.role == "inteldakim") & (User.is_active == True))  # noqa: E712
        .order_by(User.id)
    )


DIGEST_LIST_LIMIT = 100


def send_overstay_digest(today=None):
    """E-mail every Inteldakim officer the cases not reported yet: new ones, and ones that crossed
    the escalation threshold since they were reported. Each case reaches a digest once."""
    today = today or wib_today()
    with transaction():
        new_q = OverstayCase.select(OverstayCase.id).where(
            (OverstayCase.status == "open") & OverstayCase.new_digest.is_null()
        )
        esc_q = OverstayCase.select(OverstayCase.id).where(
            (OverstayCase.status == "open")
            & OverstayCase.new_digest.is_null(False)
            & OverstayCase.escalated_on.is_null(False)
            & OverstayCase.escalation_digest.is_null()
        )
        new_count, esc_count = new_q.count(), esc_q.count()
        if not new_count and not esc_count:
            return None
        officers = inteldakim_officers()
        if not officers:
            return None  # reported once someone holds the role
        digest = OverstayDigest.create(
            digest_date=today,
            new_count=new_count,
            escalated_count=esc_count,
            recipients=len(officers),
        )
        new_ids = [c.id for c in new_q]
        esc_ids = [c.id for c in esc_q]
        listed_new = _digest_rows(new_ids[:DIGEST_LIST_LIMIT], today)
        listed_esc = _digest_rows(esc_ids[:DIGEST_LIST_LIMIT], today)
        for start in range(0, len(new_ids), CHUNK):
            part = new_ids[start : start + CHUNK]
            OverstayCase.update(new_digest=digest.id).where(OverstayCase.id.in_(part)).execute()
            (
                OverstayCase.update(escalation_digest=digest.id)
                .where(OverstayCase.id.in_(part) & OverstayCase.escalated_on.is_null(False))
                .execute()
            )
        for start in range(0, len(esc_ids), CHUNK):
            part = esc_ids[start : start + CHUNK]
            (
                OverstayCase.update(escalation_digest=digest.id)
                .where(OverstayCase.id.in_(part))
                .execute()
            )
        notifications.queue_overstay_digest(
            digest, officers, listed_new, listed_esc, new_count, esc_count, today
        )
        record(
            "owl.overstay_digest",
            digest,
            detail={"new": new_count, "escalated": esc_count, "recipients": len(officers)},
        )
    return digest


def _digest_rows(case_ids, today):
    if not case_ids:
        return []
    rate, threshold = settings.overstay_rate(), settings.escalation_days()
    rows = (
        OverstayCase.select(OverstayCase, Permit, Foreigner)
        .join(Permit, on=(OverstayCase.permit == Permit.id))
        .switch(OverstayCase)
        .join(Foreigner, on=(OverstayCase.foreigner == Foreigner.id))
        .where(OverstayCase.id.in_(case_ids))
        .order_by(OverstayCase.expiry_date)
    )
    result = []
    for case in rows:
        fig = overstay_figures(case.expiry_date, today, rate, threshold)
        result.append(
            {
                "case_id": case.id,
                "name": case.foreigner.name,
                "nationality": case.foreigner.nationality,
                "permit_type": case.permit.permit_type,
                "permit_number": case.permit.permit_number,
                "expiry_date": as_date(case.expiry_date).isoformat(),
                "days": fig.days,
                "charge": fig.charge,
                "escalated": fig.escalated,
            }
        )
    return result


def record_follow_up(case, *, action, action_date, notes, actor):
    if action not in ("visited", "paid", "deported", "other"):
        raise OwlError(_l("Choose what was done."))
    with transaction():
        if case.status != "open":
            raise OwlError(_l("This case is closed."))
        follow_up = OverstayFollowUp.create(
            case=case,
            officer=actor,
            action=action,
            action_date=action_date,
            notes=(notes or "").strip(),
        )
        if action in ("paid", "deported"):
            case.status = "closed"
            case.closed_on = action_date
            case.closed_reason = action
            case.save()
            if action == "deported":
                Permit.update(
                    status="cancelled", cancel_reason="deported", updated_at=utcnow()
                ).where((Permit.id == case.permit_id) & (Permit.status == "active")).execute()
        record("owl.overstay.follow_up", case, actor=actor, detail={"action": action})
    return follow_up


def close_case(case, *, actor, today=None):
    today = today or wib_today()
    with transaction():
        if case.status != "open":
            raise OwlError(_l("This case is closed."))
        case.status = "closed"
        case.closed_on = today
        case.closed_reason = "closed"
        case.save()
        record("owl.overstay.closed", case, actor=actor)
    return case


# ----- disruption notices ------------------------------------------------------------------------


def create_disruption(
    *, title_en, title_id, message_en, message_id, starts_at, expected_end_at, actor=None
):
    """Publish a notice and e-mail every foreigner with an open application (once each)."""
    if expected_end_at <= starts_at:
        raise OwlError(_l("The expected end must be after the start."))
    with transaction():
        disruption = Disruption.create(
            title_en=title_en.strip(),
            title_id=title_id.strip(),
            message_en=message_en.strip(),
            message_id=message_id.strip(),
            starts_at=starts_at,
            expected_end_at=expected_end_at,
            created_by=actor,
        )
        recipients = Foreigner.select(Value(disruption.id), Foreigner.id).where(
            (Foreigner.email != "")
            & fn.EXISTS(
                Application.select(SQL("1")).where(
                    (Application.foreigner == Foreigner.id)
                    & Application.status.in_(OPEN_APPLICATION_STATUSES)
                )
            )
        )
        DisruptionRecipient.insert_from(
            recipients, fields=[DisruptionRecipient.disruption, DisruptionRecipient.foreigner]
        ).on_conflict_ignore().execute()
        count = notifications.queue_disruption(disruption, resolved=False)
        disruption.notified = count
        disruption.save()
        record("owl.disruption.created", disruption, actor=actor, detail={"notified": count})
    return disruption


def resolve_disruption(disruption, *, resolution_en, resolution_id, actor=None):
    with transaction():
        if disruption.resolved_at is not None:
            raise OwlError(_l("This notice has already been resolved."))
        disruption.resolved_at = utcnow()
        disruption.resolution_en = (resolution_en or "").strip()
        disruption.resolution_id = (resolution_id or "").strip()
        disruption.save()
        count = notifications.queue_disruption(disruption, resolved=True)
        record("owl.disruption.resolved", disruption, actor=actor, detail={"notified": count})
    return disruption


def current_disruptions(now=None):
    """Notices to show on the public page: unresolved ones that started or start within a day."""
    now = now or utcnow()
    return list(
        Disruption.select()
        .where(
            Disruption.resolved_at.is_null() & (Disruption.starts_at <= now + dt.timedelta(days=1))
        )
        .order_by(Disruption.starts_at)
    )


# ----- look-ups ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PassportStatus:
    foreigner_id: int
    name: str
    nationality: str
    passport_number: str
    permit_id: int | None
    permit_type: str | None
    permit_number: str | None
    expiry_date: dt.date | None
    expired: bool
    days_overstayed: int
    extension_in_process: bool


def lookup_passport(passport_number: str, today: dt.date | None = None) -> PassportStatus | None:
    """A foreign visitor by passport number (case and spaces ignored), with their latest permit.

    Used by Si Jali's front desk; the caller audits the read. When two registered foreigners share
    a passport number (different issuing states), the one with the most recent permit wins."""
    key = normalize_passport(passport_number)
    if not key:
        return None
    today = today or wib_today()
    candidates = list(Foreigner.select().where(Foreigner.passport_key == key))
    if not candidates:
        return None
    best = None
    for foreigner in candidates:
        permit = current_permit(foreigner.id)
        rank = (permit.issue_date, permit.id) if permit else (dt.date.min, 0)
        if best is None or rank > best[0]:
            best = (rank, foreigner, permit)
    _rank, foreigner, permit = best
    in_process = (
        Application.select()
        .where(
            (Application.foreigner == foreigner.id)
            & Application.kind.in_(RENEWAL_KINDS)
            & Application.status.in_(OPEN_APPLICATION_STATUSES)
        )
        .exists()
    )
    expiry = as_date(permit.expiry_date) if permit else None
    expired = expiry is not None and expiry < today
    return PassportStatus(
        foreigner_id=foreigner.id,
        name=foreigner.name,
        nationality=foreigner.nationality,
        passport_number=foreigner.passport_number,
        permit_id=permit.id if permit else None,
        permit_type=permit.permit_type if permit else None,
        permit_number=permit.permit_number if permit else None,
        expiry_date=expiry,
        expired=expired,
        days_overstayed=(today - expiry).days if expired else 0,
        extension_in_process=in_process,
    )


@dataclass(frozen=True)
class PublicStatus:
    application_number: str
    kind: str
    status: str
    received_on: dt.date
    decided_on: dt.date | None
    permit_type: str | None
    expiry_date: dt.date | None
    expired: bool


def public_status(application_number, passport_number, today=None):
    """Both numbers must match one application; otherwise None, whatever did not match."""
    today = today or wib_today()
    number = normalize_number(application_number)
    key = normalize_passport(passport_number)
    application = (
        Application.select(Application, Foreigner)
        .join(Foreigner, on=(Application.foreigner == Foreigner.id))
        .where((Application.number == number) & (Foreigner.passport_key == key))
        .first()
    )
    if application is None or not number or not key:
        return None
    permit = None
    if application.resulting_permit_id:
        permit = Permit.get_or_none(Permit.id == application.resulting_permit_id)
    if permit is None:
        permit = current_permit(application.foreigner_id)
    expiry = as_date(permit.expiry_date) if permit else None
    return PublicStatus(
        application_number=application.number,
        kind=application.kind,
        status=application.status,
        received_on=as_date(application.received_on),
        decided_on=as_date(application.decided_on) if application.decided_on else None,
        permit_type=permit.permit_type if permit else None,
        expiry_date=expiry,
        expired=expiry is not None and expiry < today,
    )
