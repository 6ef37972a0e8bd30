"""Overstay: the daily scan that opens, escalates and closes cases, the Inteldakim digest, and
the officers' follow-ups."""

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from peewee import SQL, Value, fn

from ...audit.services import record
from ...extensions import transaction
from ...models import utcnow
from ...people.directory import users_with_role
from .. import notifications, settings
from ..dates import as_date, wib_today
from ..models import (
    OPEN_APPLICATION_STATUSES,
    RENEWAL_KINDS,
    Application,
    Foreigner,
    OverstayCase,
    OverstayDigest,
    OverstayFollowUp,
    Permit,
)
from .common import OwlError

CHUNK = 500


def open_renewal_exists(foreigner_ref):
    """A correlated EXISTS: the foreigner has an extension or conversion received or in process."""
    return fn.EXISTS(
        Application.select(SQL("1")).where(
            (Application.foreigner == foreigner_ref)
            & Application.kind.in_(RENEWAL_KINDS)
            & Application.status.in_(OPEN_APPLICATION_STATUSES)
        )
    )


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
    """The active Inteldakim officers, by id: the digest's recipients."""
    return list(users_with_role("inteldakim"))


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
