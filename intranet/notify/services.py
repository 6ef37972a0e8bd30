"""The outbox API for the other features (docs/DEVELOPING.md, "The outbox contract").

    from intranet.notify.services import queue_email, queue_many, InvalidRecipient

Only names; the code lives by what it serves: queueing in ``outbox``, addresses in
``recipients``, send jobs in ``enqueue``, counts in ``counts``, re-sending and the admin's
actions in ``admin``, the reconciler in ``reconcile``. Notify's own modules import from there.
"""

from .admin import retry_messages
from .counts import status_counts
from .enqueue import enqueue_send, new_job_id
from .outbox import Queued, queue_email, queue_many
from .recipients import InvalidRecipient, is_valid_address, normalize_address

__all__ = [
    # writing e-mails (the outbox contract)
    "queue_email",
    "queue_many",
    "Queued",
    "InvalidRecipient",
    # checking an address before queueing (owl's forms, emak's send check)
    "normalize_address",
    "is_valid_address",
    # a feature's progress bar and its "re-send failed" button
    "status_counts",
    "retry_messages",
    # a feature that writes its own rows in bulk hands them to send jobs (emak's pay run)
    "new_job_id",
    "enqueue_send",
]
