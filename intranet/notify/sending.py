"""Sending a batch of outbox rows over one SMTP connection.

1. Claim: one conditional UPDATE moves the job's due queued/failed rows to ``sending`` under a
   claim token; rows another worker holds, or already sent, are not touched.
2. Send each claimed row and mark it ``sent`` (its own committed UPDATE) right after the server
   accepts it. A worker killed between acceptance and that UPDATE leaves one row that is sent
   again later: at most one duplicate per crash, with the same Message-ID.
3. Transient failures (connection refused or lost, 4xx) mark the row ``failed`` with a backoff;
   a permanent 5xx refusal marks it ``dead`` at once. Past ``max_attempts`` a row is ``dead``.
4. While sending, the claim is refreshed now and then, so the reconciler (which resets rows left
   ``sending`` past the timeout) never takes rows from a live worker.

Rendering the next message overlaps the wait for the server's reply to the current one (a
small producer thread with its own app context), which keeps a worker close to the speed of a bare
smtplib loop.
"""

import datetime as dt
import logging
import queue
import random
import smtplib
import threading
import time
import uuid

from flask import current_app
from flask_mail import Connection

from ..extensions import transaction
from ..models import utcnow
from . import settings as cfg
from .models import DEAD, FAILED, QUEUED, SENDABLE, SENDING, SENT, OutboxMessage
from .rendering import (
    REDACTED,
    SECRET_PREFIX,
    build_message,
    dumps_context,
    loads_context,
    render_email,
)

log = logging.getLogger(__name__)

PAUSE_CHECK_SECONDS = 1.0
PREFETCH = 32


class _Connection(Connection):
    """flask-mail's connection with a socket timeout (a stalled server must not hang a
    worker forever)."""

    timeout = 30

    def configure_host(self):
        mail = self.mail
        if mail.use_ssl:
            host = smtplib.SMTP_SSL(mail.server, mail.port, timeout=self.timeout)
        else:
            host = smtplib.SMTP(mail.server, mail.port, timeout=self.timeout)
        host.set_debuglevel(int(mail.debug))
        if mail.use_tls:
            host.starttls()
        if mail.username and mail.password:
            host.login(mail.username, mail.password)
        return host


def _now():
    return utcnow()


def _error_text(exc):
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [f"{addr}: {code} {_dec(msg)}" for addr, (code, msg) in exc.recipients.items()]
        return "recipient refused: " + "; ".join(parts)
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.__class__.__name__}: {exc.smtp_code} {_dec(exc.smtp_error)}"
    return f"{exc.__class__.__name__}: {exc}"[:1000]


def _dec(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _is_permanent(exc):
    """5xx from the server: the message will never be accepted as it is."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(exc, (smtplib.SMTPSenderRefused, smtplib.SMTPDataError)):
        return 500 <= exc.smtp_code < 600
    return False


class Batch:
    def __init__(self, ids, job_id=""):
        self.ids = sorted({int(i) for i in ids})
        self.job_id = job_id or ""
        self.claim = uuid.uuid4().hex
        self.settings = cfg.all_settings()
        self.sent = 0
        self.failed = 0
        self.dead = 0
        self.released = 0

    # ----- claim and release -----

    def claim_rows(self):
        now = _now()
        with transaction():
            if cfg.is_paused():
                self._release_unclaimed()
                return []
            for chunk in _chunks(self.ids, 500):
                OutboxMessage.update(
                    status=SENDING, claim=self.claim, claimed_at=now, updated_at=now
                ).where(
                    OutboxMessage.id.in_(chunk)
                    & OutboxMessage.status.in_(SENDABLE)
                    & (OutboxMessage.send_after <= now)
                ).execute()
            self._release_unclaimed()
        return list(
            OutboxMessage.select()
            .where((OutboxMessage.claim == self.claim) & (OutboxMessage.status == SENDING))
            .order_by(OutboxMessage.id)
        )

    def _release_unclaimed(self):
        """Rows of this job that it will not send (not due yet, or paused) no longer belong to
        it: the reconciler enqueues them when they are due."""
        if not self.job_id:
            return
        for chunk in _chunks(self.ids, 500):
            OutboxMessage.update(job_id="", job_at=None).where(
                OutboxMessage.id.in_(chunk)
                & (OutboxMessage.job_id == self.job_id)
                & OutboxMessage.status.in_(SENDABLE)
            ).execute()

    def refresh_claim(self):
        OutboxMessage.update(claimed_at=_now()).where(
            (OutboxMessage.claim == self.claim) & (OutboxMessage.status == SENDING)
        ).execute()

    def release(self, rows):
        """Pause while sending: the rest of the batch waits, unsent."""
        ids = [r.id for r in rows]
        now = _now()
        for chunk in _chunks(ids, 500):
            self.released += (
                OutboxMessage.update(
                    status=QUEUED,
                    claim="",
                    claimed_at=None,
                    job_id="",
                    job_at=None,
                    updated_at=now,
                )
                .where(
                    OutboxMessage.id.in_(chunk)
                    & (OutboxMessage.claim == self.claim)
                    & (OutboxMessage.status == SENDING)
                )
                .execute()
            )

    # ----- outcomes -----

    def mark_sent(self, row, message_id, subject, note=""):
        now = _now()
        fields = {
            "status": SENT,
            "sent_at": now,
            "message_id": message_id[:255],
            "subject": subject[:255],
            "attempts": OutboxMessage.attempts + 1,
            "claim": "",
            "updated_at": now,
        }
        if note:
            fields["last_error"] = note
        context = loads_context(row.context)
        if any(k.startswith(SECRET_PREFIX) for k in context):
            # Secrets (a reset link) are only needed to render the mail: gone once it is sent.
            fields["context"] = dumps_context(
                {k: (REDACTED if k.startswith(SECRET_PREFIX) else v) for k, v in context.items()}
            )
        OutboxMessage.update(**fields).where(OutboxMessage.id == row.id).execute()
        self.sent += 1

    def mark_failed(self, rows, exc, permanent=False):
        """Transient: ``failed`` with backoff (``dead`` past max attempts). Permanent: ``dead``."""
        if not rows:
            return
        now = _now()
        text = _error_text(exc) if isinstance(exc, BaseException) else str(exc)
        line = f"{now:%Y-%m-%d %H:%M:%S} UTC: {text}\n"
        max_attempts = self.settings["max_attempts"]
        by_attempts = {}
        for row in rows:
            by_attempts.setdefault(row.attempts, []).append(row.id)
        dead_ids = []
        with transaction():
            for attempts, ids in by_attempts.items():
                tries = attempts + 1
                dead = permanent or tries >= max_attempts
                delay = _backoff(tries, self.settings)
                for chunk in _chunks(ids, 500):
                    OutboxMessage.update(
                        status=DEAD if dead else FAILED,
                        attempts=OutboxMessage.attempts + 1,
                        last_error=text,
                        error_log=OutboxMessage.error_log.concat(line),
                        send_after=now + dt.timedelta(seconds=delay),
                        claim="",
                        job_id="",
                        job_at=None,
                        updated_at=now,
                    ).where(OutboxMessage.id.in_(chunk)).execute()
                if dead:
                    dead_ids.extend(ids)
                    self.dead += len(ids)
                else:
                    self.failed += len(ids)
            if dead_ids:
                from ..audit.services import record

                record(
                    "notify.messages_dead",
                    object_type="OutboxMessage",
                    object_id=dead_ids[0],
                    detail={
                        "count": len(dead_ids),
                        "ids": dead_ids[:50],
                        "permanent": bool(permanent),
                    },
                )

    # ----- the loop -----

    def run(self):
        rows = self.claim_rows()
        if not rows:
            return self.summary()
        app = current_app._get_current_object()
        renderer = _Renderer(app, rows)
        renderer.start()
        conn = None
        refresh_every = max(0.2, self.settings["sending_timeout_seconds"] / 5)
        last_refresh = last_pause_check = time.monotonic()
        _Connection.timeout = self.settings["smtp_timeout_seconds"]
        index = 0
        try:
            while index < len(rows):
                row = rows[index]
                tick = time.monotonic()
                if tick - last_refresh >= refresh_every:
                    self.refresh_claim()
                    last_refresh = tick
                if tick - last_pause_check >= PAUSE_CHECK_SECONDS:
                    last_pause_check = tick
                    if cfg.is_paused():
                        self.release(rows[index:])
                        break
                item = renderer.next()
                if isinstance(item, Exception):
                    log.error("outbox row %s cannot be rendered: %s", row.id, item)
                    self.mark_failed([row], f"rendering failed: {item}", permanent=True)
                    index += 1
                    continue
                envelope_from, recipients, data, message_id, subject = item
                if conn is None:
                    try:
                        conn = _Connection(app.extensions["mail"])
                        conn.host = conn.configure_host()
                    except (OSError, smtplib.SMTPException) as exc:
                        conn = None
                        log.warning(
                            "outbox: SMTP unavailable (%s); %d row(s) will retry",
                            exc,
                            len(rows) - index,
                        )
                        self.mark_failed(rows[index:], exc)
                        index = len(rows)
                        break
                try:
                    refused = conn.host.sendmail(envelope_from, recipients, data)
                except (
                    smtplib.SMTPRecipientsRefused,
                    smtplib.SMTPSenderRefused,
                    smtplib.SMTPDataError,
                ) as exc:
                    # The server answered; the connection stays usable for the next row.
                    self.mark_failed([row], exc, permanent=_is_permanent(exc))
                    index += 1
                    continue
                except (OSError, smtplib.SMTPException) as exc:
                    # Connection lost (or 421): this row's fate is unknown, retry it later;
                    # the next row opens a new connection.
                    self.mark_failed([row], exc)
                    _close(conn)
                    conn = None
                    index += 1
                    continue
                note = ""
                if refused:
                    note = "some recipients refused: " + "; ".join(
                        f"{a}: {c} {_dec(m)}" for a, (c, m) in refused.items()
                    )
                self.mark_sent(row, message_id, subject, note)
                index += 1
        finally:
            renderer.stop()
            _close(conn)
        return self.summary()

    def summary(self):
        return {
            "sent": self.sent,
            "failed": self.failed,
            "dead": self.dead,
            "released": self.released,
        }


def _backoff(attempts, settings):
    base = settings["backoff_seconds"]
    delay = min(settings["backoff_max_seconds"], base * 2 ** max(0, attempts - 1))
    return delay * random.uniform(0.9, 1.1) if delay else 0


def _chunks(items, size):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _close(conn):
    if conn is None or conn.host is None:
        return
    try:
        conn.host.quit()
    except (OSError, smtplib.SMTPException):
        try:
            conn.host.close()
        except OSError:
            pass


class _Renderer:
    """Renders rows ahead of the sender in a thread of its own (own app context, so its own
    forced locale). Items come out in row order: a tuple, or the exception rendering raised."""

    def __init__(self, app, rows):
        self.app = app
        self.rows = rows
        self.items = queue.Queue(maxsize=PREFETCH)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._work, name="outbox-render", daemon=True)

    def start(self):
        self.thread.start()

    def _work(self):
        with self.app.app_context():
            for row in self.rows:
                if self.stopping.is_set():
                    return
                try:
                    context = loads_context(row.context)
                    subject, text, html = render_email(row.template, context, row.language)
                    envelope_from, recipients, data, message_id = build_message(
                        row, subject, text, html
                    )
                    item = (envelope_from, recipients, data, message_id, subject)
                except Exception as exc:
                    item = exc
                while not self.stopping.is_set():
                    try:
                        self.items.put(item, timeout=0.2)
                        break
                    except queue.Full:
                        continue

    def next(self):
        while True:
            try:
                return self.items.get(timeout=1.0)
            except queue.Empty:
                if not self.thread.is_alive() and self.items.empty():
                    return RuntimeError("renderer stopped")

    def stop(self):
        self.stopping.set()
        self.thread.join(timeout=5)


def send_rows(ids, job_id=""):
    return Batch(ids, job_id).run()
