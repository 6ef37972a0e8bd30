"""Notification outbox: every e-mail is a row first, sent by RQ workers, crash-proof and never
twice (DESIGN §4). Also the periodic-job runner (scheduler plumbing) and password reset by e-mail.

The public API for the other features is ``intranet.notify.services.queue_email``.
"""
