"""Read-only look-ups for others: a passport's permit status (Si Jali's front desk) and an
application's status (the public page and its JSON twin)."""

import datetime as dt
from dataclasses import dataclass

from ..dates import as_date, wib_today
from ..models import (
    OPEN_APPLICATION_STATUSES,
    RENEWAL_KINDS,
    Application,
    Foreigner,
    Permit,
    normalize_number,
    normalize_passport,
)
from .registry import current_permit


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
