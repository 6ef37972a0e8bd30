"""Notification outbox: every e-mail is a row first, sent by RQ workers, crash-proof and never
twice (DESIGN §4). Also, until it moves to auth, password reset by e-mail. (The periodic-job
runner is ``intranet.jobs``.)

The public API for the other features is ``intranet.notify.services`` (``queue_email``,
``queue_many``, ``InvalidRecipient``).
"""
