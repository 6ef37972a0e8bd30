"""Si Owl's e-mails, written to the outbox (intranet.notify) inside the caller's transaction.

Idempotency keys:
  permit:<permit>:<lead days>                    staged expiry warning (DESIGN §4)
  owl:application:<application>:decided          completion or rejection notice
  owl:disruption:<notice>:<foreigner>            disruption notice
  owl:disruption:<notice>:resolved:<foreigner>   its all-clear
  owl:overstay-digest:<digest>:<officer>         Inteldakim digest

Mail to foreigners carries both English and Indonesian, the recipient's language first.
Contexts are plain JSON: dates as ISO strings (the templates format them).
"""

import datetime as dt
import logging

from ..core.links import external_url
from .dates import as_date, extension_window
from .models import Application, Disruption, DisruptionRecipient, Foreigner

log = logging.getLogger(__name__)


def _queue(**kwargs):
    from ..notify.services import queue_email

    return queue_email(**kwargs)


def queue_many(messages):
    """The outbox's bulk writer (``intranet.notify.services.queue_many``) for the daily scan and
    broadcasts: a malformed recipient is skipped and logged instead of failing the whole batch (a
    malformed copy address is dropped). Returns the number of rows written."""
    from ..notify.services import queue_many as queue

    return len(queue(messages, skip_invalid=True).created)


def _queue_many(messages):
    return queue_many(messages)


def _iso(value):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)[:10]


def _email_language(value):
    return value if value in ("en", "id") else "en"


def permit_warning_message(row, today, common, holidays=frozenset()):
    """One staged warning from a scan row (see services.scan.SCAN_COLUMNS)."""
    (
        permit_id,
        lead_days,
        permit_number,
        permit_type,
        expiry,
        foreigner_id,
        name,
        email,
        language,
        sponsor_email,
    ) = row
    expiry = as_date(expiry)
    apply_from, apply_until = extension_window(expiry, holidays)
    message = {
        "key": f"permit:{permit_id}:{lead_days}",
        "to": email,
        "template": "owl/email/permit_warning",
        "context": {
            "name": name,
            "permit_number": permit_number,
            "permit_type": permit_type,
            "expiry_date": expiry.isoformat(),
            "days_left": (expiry - today).days,
            "lead_days": lead_days,
            "scan_date": today.isoformat(),
            "apply_from": apply_from.isoformat(),
            "apply_until": apply_until.isoformat(),
            "apply_now": apply_from <= today,
            **common,
        },
        "language": _email_language(language),
        "kind": "owl.permit_warning",
        "object_type": "Permit",
        "object_id": permit_id,
    }
    if sponsor_email and sponsor_email != email:
        message["cc"] = [sponsor_email]
    return message


def queue_permit_warnings(rows, today, snap):
    common = {"overstay_rate": snap.overstay_rate, "escalation_days": snap.escalation_days}
    return _queue_many(
        [permit_warning_message(row, today, common, snap.public_holidays) for row in rows]
    )


def queue_application_decided(application: Application):
    foreigner = application.foreigner
    if not foreigner.email:
        return None
    permit = application.resulting_permit if application.resulting_permit_id else None
    return _queue(
        key=f"owl:application:{application.id}:decided",
        to=foreigner.email,
        template="owl/email/application_decided",
        context={
            "name": foreigner.name,
            "number": application.number,
            "kind": application.kind,
            "status": application.status,
            "requested_type": application.requested_type,
            "received_on": _iso(application.received_on),
            "decided_on": _iso(application.decided_on),
            "reason": application.decision_note if application.status == "rejected" else "",
            "permit_number": permit.permit_number if permit else None,
            "permit_type": permit.permit_type if permit else None,
            "expiry_date": _iso(permit.expiry_date) if permit else None,
            "status_url": external_url("owl.public_status"),
        },
        language=_email_language(foreigner.language),
        kind="owl.application_decided",
        object_type="Application",
        object_id=application.id,
    )


def queue_disruption(disruption: Disruption, resolved):
    """The notice (or its all-clear) to everyone recorded as a recipient of this notice."""
    recipients = (
        Foreigner.select(Foreigner.id, Foreigner.name, Foreigner.email, Foreigner.language)
        .join(DisruptionRecipient, on=(DisruptionRecipient.foreigner == Foreigner.id))
        .where((DisruptionRecipient.disruption == disruption.id) & (Foreigner.email != ""))
        .order_by(Foreigner.id)
        .tuples()
    )
    context = {
        "title_en": disruption.title_en,
        "title_id": disruption.title_id,
        "message_en": disruption.message_en,
        "message_id": disruption.message_id,
        "starts_at": _iso(disruption.starts_at),
        "expected_end_at": _iso(disruption.expected_end_at),
        "resolved_at": _iso(disruption.resolved_at),
        "resolution_en": disruption.resolution_en,
        "resolution_id": disruption.resolution_id,
        "status_url": external_url("owl.public_status"),
    }
    suffix = "resolved:" if resolved else ""
    messages = [
        {
            "key": f"owl:disruption:{disruption.id}:{suffix}{fid}",
            "to": email,
            "template": "owl/email/disruption_resolved" if resolved else "owl/email/disruption",
            "context": {**context, "name": name},
            "language": _email_language(language),
            "kind": "owl.disruption_resolved" if resolved else "owl.disruption",
            "object_type": "Disruption",
            "object_id": disruption.id,
        }
        for fid, name, email, language in recipients
    ]
    return _queue_many(messages)


def queue_overstay_digest(digest, officers, new_rows, escalated_rows, new_count, esc_count, today):
    from . import settings

    context = {
        "digest_date": today.isoformat(),
        "new": new_rows,
        "escalated": escalated_rows,
        "new_count": new_count,
        "escalated_count": esc_count,
        "threshold": settings.escalation_days(),
        "list_url": external_url("owl.list_overstays"),
    }
    messages = [
        {
            "key": f"owl:overstay-digest:{digest.id}:{officer.id}",
            "to": officer.email,
            "template": "owl/email/overstay_digest",
            "context": {**context, "officer": officer.name},
            "language": _email_language(officer.language),
            "kind": "owl.overstay_digest",
            "object_type": "OverstayDigest",
            "object_id": digest.id,
        }
        for officer in officers
    ]
    return _queue_many(messages)
