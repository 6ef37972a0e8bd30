"""E-mails of Si Jali and who gets them, written to the outbox inside the caller's transaction
(``services.register_visit``).

- host notice: an official guest has arrived (to the host, or the host unit's supervisors);
- Inteldakim alert: a WNA visitor's stay permit has expired (to every active Inteldakim officer,
  once per visit: the idempotency key names the visit and the officer).
"""

from ..core.filters import to_wib
from ..core.links import external_url
from ..notify.services import queue_email
from ..people.directory import users_with_role
from ..people.models import User


def host_recipients(visit):
    """Who is told an official guest has arrived: the host, or else the unit's supervisors."""
    if visit.host_id is not None:
        host = User.get_or_none(User.id == visit.host_id, User.is_active == True)  # noqa: E712
        return [host] if host is not None else []
    if visit.host_unit_id is not None:
        heads = users_with_role("atasan", "kepala", unit=visit.host_unit_id)
        return list(heads.order_by(User.name))
    return []


def inteldakim_recipients():
    """Every active Inteldakim officer."""
    return list(users_with_role("inteldakim"))


def _arrived(visit):
    return to_wib(visit.checked_in_at).strftime("%d/%m/%Y %H:%M") + " WIB"


def queue_host_notice(visit):
    """Queue the arrival notice; returns the recipients' user ids."""
    recipients = [u for u in host_recipients(visit) if u.email]
    unit_name = visit.host_unit.name if visit.host_unit_id else ""
    for user in recipients:
        queue_email(
            key=f"jali:visit:{visit.id}:host:{user.id}",
            to=user.email,
            template="jali/email/host_notice",
            context={
                "visit_id": visit.id,
                "number": visit.display_number,
                "recipient_name": user.name,
                "is_host": visit.host_id == user.id,
                "unit_name": unit_name,
                "guest_name": visit.name,
                "institution": visit.institution,
                "purpose": visit.purpose,
                "phone": visit.phone,
                "arrived_at": _arrived(visit),
            },
            language=user.language if user.language in ("id", "en") else "id",
            kind="jali.host_notice",
            object_type="Visit",
            object_id=visit.id,
        )
    return [u.id for u in recipients]


def queue_inteldakim_alert(visit, *, passport_number):
    """Queue the expired-permit alert to every active Inteldakim officer; returns their ids."""
    recipients = [u for u in inteldakim_recipients() if u.email]
    link = external_url("jali.show_visit", visit_id=visit.id)
    for user in recipients:
        queue_email(
            key=f"jali:visit:{visit.id}:inteldakim:{user.id}",
            to=user.email,
            template="jali/email/inteldakim_alert",
            context={
                "visit_id": visit.id,
                "number": visit.display_number,
                "recipient_name": user.name,
                "visitor_name": visit.name,
                "nationality": visit.visitor.nationality,
                "passport_number": passport_number,
                "purpose": visit.purpose,
                "arrived_at": _arrived(visit),
                "permit_type": visit.permit_type,
                "permit_number": visit.permit_number,
                "expiry_date": visit.permit_expiry.isoformat() if visit.permit_expiry else "",
                "days_overstayed": visit.days_overstayed,
                "extension_in_process": visit.extension_in_process,
                "foreigner_id": visit.foreigner_id,
                "visit_url": link,
            },
            language=user.language if user.language in ("id", "en") else "id",
            kind="jali.inteldakim_alert",
            object_type="Visit",
            object_id=visit.id,
        )
    return [u.id for u in recipients]
