"""Si Cempaka's e-mails, written to the outbox inside the caller's transaction."""

from ..core.filters import to_wib


def _iso(value):
    return value.isoformat() if value is not None else None


def queue_decision_email(submission, employee, reviewer, review):
    """The employee hears of every decision on their deliverable (one e-mail per version)."""
    from ..notify.services import queue_email

    return queue_email(
        key=f"cempaka:decision:{submission.id}:{submission.version}",
        to=employee.email,
        template="cempaka/email/decision",
        context={
            "submission_id": submission.id,
            "version": submission.version,
            "employee_name": employee.name,
            "title": submission.title,
            "work_date": submission.work_date.isoformat(),
            "decision": review.decision,
            "comment": review.comment,
            "reviewer_name": reviewer.name,
            "decided_at": _iso(review.decided_at),
        },
        language=employee.language if employee.language in ("id", "en") else "id",
        kind="cempaka.decision",
        object_type="Submission",
        object_id=submission.id,
    )


def queue_digest_email(supervisor, day, count, oldest, items, now):
    """A supervisor's daily list of direct reports' deliverables pending for over a day."""
    from ..notify.services import queue_email

    return queue_email(
        key=f"cempaka:digest:{supervisor.id}:{day.isoformat()}",
        to=supervisor.email,
        template="cempaka/email/digest",
        context={
            "supervisor_name": supervisor.name,
            "day": day.isoformat(),
            "count": count,
            "oldest": _iso(oldest),
            "items": [
                {
                    "submission_id": s.id,
                    "employee_name": s.employee.name,
                    "title": s.title,
                    "work_date": s.work_date.isoformat(),
                    "submitted_at": _iso(s.submitted_at),
                    "days_waiting": max(
                        1, (to_wib(now).date() - to_wib(s.submitted_at).date()).days
                    ),
                    "flagged": bool(s.flags),
                }
                for s in items
            ],
        },
        language=supervisor.language if supervisor.language in ("id", "en") else "id",
        kind="cempaka.digest",
        object_type="User",
        object_id=supervisor.id,
    )
