"""Si Cempaka's review: who reviews and who sees a deliverable, the supervisor's decisions (one by
one and in bulk), and the audit of every look at someone else's coordinates or files.

A decision is one transaction with its review row, its audit entry and the employee's e-mail
(outbox row).
"""

from collections import namedtuple

from flask_babel import lazy_gettext as _

from ..audit.services import record
from ..extensions import transaction
from ..models import utcnow
from ..people.models import User
from ..policy import is_direct_supervisor
from .errors import AlreadyDecided, CempakaError, FlaggedNeedsNote
from .models import (
    APPROVED,
    LOC_OK,
    PENDING,
    REJECTED,
    REVISION,
    Review,
    Submission,
)
from .notifications import queue_decision_email

DECISIONS = (APPROVED, REVISION, REJECTED)


def can_review(user, submission, employee=None):
    """The employee's direct supervisor reviews their deliverables, whatever the supervisor's
    roles (the head of office reviews the section heads reporting to her)."""
    employee = employee or submission.employee
    return is_direct_supervisor(user, employee)


def can_view(user, submission, employee=None):
    """Who sees a deliverable, its files and its coordinates (DESIGN §3 privacy)."""
    if user.id == submission.employee_id:
        return True
    if user.has_role("kepala", "admin"):
        return True
    employee = employee or submission.employee
    return is_direct_supervisor(user, employee)


def decide(submission, reviewer, decision, comment="", now=None):
    """Approve, ask a revision of, or reject a pending deliverable of a direct report."""
    now = now or utcnow()
    comment = (comment or "").strip()
    if decision not in DECISIONS:
        raise CempakaError(_("Choose approve, request revision or reject."), field="decision")
    employee = User.get_by_id(submission.employee_id)
    if not can_review(reviewer, submission, employee):
        raise CempakaError(_("Only the employee's direct supervisor can decide."))
    if decision == APPROVED and submission.flags and len(comment) < 3:
        raise FlaggedNeedsNote(
            _("This deliverable is flagged: write a note saying why you approve it."),
            field="comment",
        )
    if decision in (REVISION, REJECTED) and len(comment) < 3:
        raise CempakaError(
            _("Write a comment so the employee knows what to change.")
            if decision == REVISION
            else _("Write a comment explaining the rejection."),
            field="comment",
        )
    if len(comment) > 2000:
        raise CempakaError(_("The comment is too long (at most 2000 characters)."), field="comment")
    with transaction():
        updated = (
            Submission.update(
                status=decision, decided_at=now, decided_by=reviewer.id, decision_comment=comment
            )
            .where(
                (Submission.id == submission.id)
                & (Submission.status == PENDING)
                & (Submission.version == submission.version)
            )
            .execute()
        )
        if not updated:
            raise AlreadyDecided(_("This deliverable was already decided or changed meanwhile."))
        review = Review.create(
            submission=submission.id,
            version=submission.version,
            reviewer=reviewer.id,
            decision=decision,
            comment=comment,
            decided_at=now,
        )
        record(
            "cempaka.decided",
            submission,
            actor=reviewer,
            detail={
                "decision": decision,
                "version": submission.version,
                "commented": bool(comment),
            },
        )
        fresh = Submission.get_by_id(submission.id)
        queue_decision_email(fresh, employee, reviewer, review)
    return fresh


BulkApproval = namedtuple("BulkApproval", ["approved", "flagged", "skipped"])


def bulk_approve(reviewer, ids, now=None):
    """Approve the given pending deliverables of direct reports. Flagged ones are refused, not
    approved (each needs a note, given one by one). Returns BulkApproval: the approved
    submissions, the flagged ones refused, and how many others were skipped (decided already,
    or not the reviewer's direct reports')."""
    now = now or utcnow()
    wanted = sorted({int(i) for i in ids})[:500]
    if not wanted:
        return BulkApproval([], [], 0)
    candidates = list(
        Submission.select(Submission)
        .join(User, on=(Submission.employee == User.id))
        .where(
            Submission.id.in_(wanted),
            Submission.status == PENDING,
            User.supervisor == reviewer.id,
        )
        .order_by(Submission.id)
    )
    flagged = [s for s in candidates if s.flags]
    approved = []
    with transaction():
        for submission in candidates:
            if submission.flags:
                continue
            try:
                approved.append(decide(submission, reviewer, APPROVED, "", now=now))
            except AlreadyDecided:
                continue
    return BulkApproval(approved, flagged, len(wanted) - len(approved) - len(flagged))


def record_location_view(viewer, submission):
    """Audit a view of another person's coordinates (nothing for one's own)."""
    if viewer.id == submission.employee_id:
        return
    if submission.location_status != LOC_OK:
        return
    record(
        "cempaka.location_viewed",
        submission,
        actor=viewer,
        detail={"version": submission.version, "employee_id": submission.employee_id},
    )


def record_file_download(viewer, file):
    submission = Submission.get_by_id(file.submission_id)
    if viewer.id == submission.employee_id:
        return
    record(
        "cempaka.file_downloaded",
        object_type="SubmissionFile",
        object_id=file.id,
        actor=viewer,
        detail={"submission": file.submission_id, "version": file.version},
    )
