"""Notification outbox: every e-mail is a row first, sent by RQ workers, crash-proof and never
twice (DESIGN §4). (The periodic-job runner is ``intranet.jobs``;
password reset is ``intranet.auth``.)

The public API for the other features is ``intranet.notify.services`` (``queue_email``,
``queue_many``, ``InvalidRecipient``).
"""

from ..features import Feature

FEATURE = Feature(
    views="intranet.notify.views",
    models="intranet.notify.models",
    jobs="intranet.notify.jobs",
    templating="intranet.notify.templating",
    inbox="intranet.notify.inbox",
    nav=80,
)
