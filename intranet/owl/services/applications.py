"""Applications for a stay permit: received, taken into process, decided (completed with the
new permit, or rejected), the foreigner e-mailed once about the decision."""

import uuid

from flask_babel import lazy_gettext as _l

from ...audit.services import record
from ...extensions import transaction
from ...models import utcnow
from .. import notifications
from ..dates import wib_today
from ..models import OPEN_APPLICATION_STATUSES, RENEWAL_KINDS, Application
from .common import OwlError
from .registry import active_permit, insert_permit


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
        permit = insert_permit(
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
