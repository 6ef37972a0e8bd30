"""Many pay notices into the outbox at once: the outbox's bulk writer
(``intranet.notify.services.queue_many``) with what every notice of a run shares."""

from ..extensions import db

NOTICE_TEMPLATE = "emak/email/pay_notice"
NOTICE_KIND = "emak.pay_notice"
OBJECT_TYPE = "PayRun"  # a run's notices are the outbox rows of this object type and its id


def notice_key(run_id, employee_id):
    """A notice's idempotency key in the outbox: one message per employee and run."""
    return f"pay:{run_id}:{employee_id}"


def queue_notices(messages, *, template, kind, object_type, object_id, send_after=None):
    """Write outbox rows for ``messages`` = [(key, to, context, language)] inside the caller's
    transaction. Returns {key: row id} (a key that already existed keeps its row). Raises
    InvalidRecipient (with the offending address) before writing anything when an address is
    malformed."""
    from ..notify.services import queue_many

    if not db.in_transaction():
        raise RuntimeError("queue_notices writes inside the caller's transaction")
    return dict(
        queue_many(
            {
                "key": key,
                "to": to,
                "template": template,
                "context": context,
                "language": language,
                "kind": kind,
                "object_type": object_type,
                "object_id": object_id,
                "send_after": send_after,
            }
            for key, to, context, language in messages
        )
    )
