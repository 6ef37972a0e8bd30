"""Si Cempaka's e-mails, written to the outbox inside the caller's transaction."""

from flask import current_app

from ..core.filters import to_wib
from ..core.links import external_url
from ..notify.services import queue_email


def _language(user):
    return user.language if user.language in ("id", "en") else "id"


def link_to(endpoint, **values):
    """An absolute link on the intranet's public address (``external_url``) when one is
    configured (PUBLIC_URL), else None: the e-mail then carries no link rather than one to
    whichever host a request or job happened to run on."""
    if not current_app.config.get("SERVER_NAME_FOR_LINKS"):
        return None
    return external_url(endpoint, **values)


def queue_decision_email(submission, employee, reviewer, review):
    """The employee hears of every decision on their deliverable (one e-mail per version)."""
    return queue_email(
        key=f"cempaka:decision:{submission.id}:{submission.version}",
        to=employee.email,
        template="cempaka/email/decision",
        context={
            "submission_id": submission.id,
            "version": submission.version,
            "employee_name": employee.name,
            "title": submission.title,
            "work_date": submission.work_date,
            "decision": review.decision,
            "comment": review.comment,
            "reviewer_name": reviewer.name,
            "decided_at": review.decided_at,
            "link": link_to("cempaka.show_submission", submission_id=submission.id),
        },
        language=_language(employee),
        kind="cempaka.decision",
        object_type="Submission",
        object_id=submission.id,
    )


def queue_digest_email(supervisor, day, count, oldest, items, now):
    """A supervisor's daily list of direct reports' deliverables pending for over a day."""
    today = to_wib(now).date()
    return queue_email(
        key=f"cempaka:digest:{supervisor.id}:{day.isoformat()}",
        to=supervisor.email,
        template="cempaka/email/digest",
        context={
            "supervisor_name": supervisor.name,
            "day": day,
            "count": count,
            "oldest": oldest,
            "items": [
                {
                    "submission_id": s.id,
                    "employee_name": s.employee.name,
                    "title": s.title,
                    "work_date": s.work_date,
                    "submitted_at": s.submitted_at,
                    "days_waiting": max(1, (today - to_wib(s.submitted_at).date()).days),
                    "flagged": bool(s.flags),
                }
                for s in items
            ],
            "link": link_to("cempaka.review_queue"),
        },
        language=_language(supervisor),
        kind="cempaka.digest",
        object_type="User",
        object_id=supervisor.id,
    )
