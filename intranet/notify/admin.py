"""Sending outbox rows again, and the admin's outbox actions: retry (one row, every dead row of a
kind, a feature's failed rows), pause and resume sending, a test e-mail. Each is audited."""

import uuid

from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..core.refusals import Refusal
from ..extensions import transaction
from ..models import utcnow
from . import settings as cfg
from .enqueue import chunks, new_job_id, pending_for_transaction
from .models import DEAD, FAILED, QUEUED, OutboxMessage
from .outbox import LANGUAGES, queue_email
from .reconcile import enqueue_due


class OutboxError(Refusal):
    """An admin action that cannot be done, with a message for the admin."""


def _requeue(ids, note, statuses=(DEAD,)):
    """Rows back to ``queued``, due now, with a fresh set of attempts, in jobs enqueued after the
    caller's commit. Only rows in ``statuses`` move (never a sent one). Returns how many did."""
    pending = pending_for_transaction()
    now = utcnow()
    line = f"{now:%Y-%m-%d %H:%M:%S} UTC: {note}\n"
    total = 0
    for chunk in chunks(list(ids), pending.batch_size if pending else 500):
        job_id = new_job_id()
        taken = (
            OutboxMessage.update(
                status=QUEUED,
                attempts=0,
                send_after=now,
                last_error="",
                error_log=OutboxMessage.error_log.concat(line),
                job_id=job_id,
                job_at=now,
                claim="",
                updated_at=now,
            )
            .where(OutboxMessage.id.in_(chunk) & OutboxMessage.status.in_(statuses))
            .execute()
        )
        if taken and pending is not None:
            pending.chunks.append((job_id, list(chunk)))
        total += taken
    return total


def retry_messages(ids, actor=None, note="retried"):
    """For the features' "re-send failed" buttons: rows that failed (waiting for a retry) or gave
    up (dead) are sent again now with a fresh set of attempts. Sent, queued and sending rows are
    left alone, so a re-send never duplicates a delivered e-mail. Returns how many rows moved."""
    ids = list(ids)
    with transaction():
        count = _requeue(ids, note, statuses=(FAILED, DEAD))
        if count:
            record(
                "notify.messages_retried",
                object_type="OutboxMessage",
                object_id=ids[0],
                actor=actor,
                detail={"count": count},
            )
    return count


def retry_message(message_id, actor=None):
    with transaction():
        row = OutboxMessage.get_or_none(OutboxMessage.id == message_id)
        if row is None:
            raise LookupError(message_id)
        if row.status != DEAD:
            raise OutboxError(_l("Only messages that gave up (dead) can be retried."))
        _requeue([row.id], "retried by an administrator")
        record("notify.message_retried", row, actor=actor, detail={"kind": row.kind})
    return row


def retry_dead(kind, actor=None):
    """Retry every dead row of one kind. Returns the number of rows requeued."""
    with transaction():
        ids = [
            r.id
            for r in OutboxMessage.select(OutboxMessage.id)
            .where((OutboxMessage.status == DEAD) & (OutboxMessage.kind == kind))
            .order_by(OutboxMessage.id)
        ]
        if not ids:
            raise OutboxError(_l("There are no dead messages of this kind."))
        count = _requeue(ids, "retried by an administrator (all dead of this kind)")
        record(
            "notify.dead_retried",
            object_type="OutboxMessage",
            object_id=ids[0],
            actor=actor,
            detail={"kind": kind, "count": count},
        )
    return count


def pause_sending(actor=None):
    with transaction():
        cfg.set_paused(True)
        record("notify.sending_paused", object_type="Outbox", object_id="", actor=actor)


def resume_sending(actor=None):
    """Resume, and hand every waiting row to a job at once."""
    with transaction():
        cfg.set_paused(False)
        record("notify.sending_resumed", object_type="Outbox", object_id="", actor=actor)
    return enqueue_due()


def send_test_message(address, actor):
    """A test e-mail from the admin page: checks the path to the mail server end to end."""
    with transaction():
        row = queue_email(
            f"notify.test:{uuid.uuid4().hex}",
            address,
            "notify/email/test_message",
            {"requested_by": actor.name, "requested_at": utcnow()},
            language=actor.language if actor.language in LANGUAGES else "id",
            kind="notify.test",
            object_type="User",
            object_id=actor.id,
        )
        record("notify.test_message_queued", row, actor=actor, detail={"kind": row.kind})
    return row
