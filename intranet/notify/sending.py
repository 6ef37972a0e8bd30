"""Sending a batch of outbox rows over one SMTP connection.

1. Claim: one conditional UPDATE moves the job's due queued/failed rows to ``sending`` under a
   claim token; rows another worker holds, or already sent, are not touched.
2. Send each claimed row and mark it ``sent`` (its own committed UPDATE) once the server has
   accepted it: on SQLite while the server answers the next message's MAIL FROM, on PostgreSQL
   from a thread of the batch while the next message's envelope goes out (``_Marks``); always
   before the next message's data is sent, so before it can be accepted. A worker killed
   between an acceptance and that UPDATE leaves one row that is sent again later: at most one
   duplicate per crash, carrying the same Message-ID.
3. Transient failures (connection refused or lost, 4xx) mark the row ``failed`` with a backoff;
   a permanent 5xx refusal marks it ``dead`` at once. Past ``max_attempts`` a row is ``dead``.
4. While sending, the claim is refreshed now and then, so the reconciler (which resets rows left
   ``sending`` past the timeout) never takes rows from a live worker.

The worker's own work overlaps the server's, which keeps it close to the speed of a bare smtplib
loop: while the server answers the envelope, the previous message's mark is committed; while it
checks the first recipient, the next message's text part is rendered; while it digests the
data, the next message's HTML part and bytes.
"""

import datetime as dt
import logging
import queue
import random
import re
import smtplib
import threading
import time
import uuid

from flask import current_app
from flask_mail import Connection

from ..core import caches
from ..extensions import db, is_postgres, transaction
from ..models import utcnow
from . import settings as cfg
from .models import DEAD, FAILED, QUEUED, SENDABLE, SENDING, SENT, OutboxMessage
from .rendering import (
    SECRET_PREFIX,
    build_message,
    dumps_context,
    loads_context,
    redact,
    render_html,
    render_text,
)

log = logging.getLogger(__name__)

PAUSE_CHECK_SECONDS = 1.0


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


class _Row:
    """What sending needs of a claimed row (lighter than a model instance, per message)."""

    __slots__ = ("id", "key", "to_address", "cc", "language", "template", "context", "attempts")

    def __init__(self, *values):
        for name, value in zip(self.__slots__, values, strict=True):
            setattr(self, name, value)

    @property
    def cc_list(self):
        return [a for a in self.cc.split(",") if a]


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
        fields = [getattr(OutboxMessage, name) for name in _Row.__slots__]
        return [
            _Row(*values)
            for values in OutboxMessage.select(*fields)
            .where((OutboxMessage.claim == self.claim) & (OutboxMessage.status == SENDING))
            .order_by(OutboxMessage.id)
            .tuples()
        ]

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

    def mark_sent(self, row, message_id, subject, note="", redacted=None):
        """Right after the server accepted the message: one committed statement of its own (the
        hot path of a batch, so SQL written once rather than built by the query builder). A
        context with secrets (``redacted``: the context with them wiped, worked out while the
        message was rendered) loses them in the same statement."""
        now = OutboxMessage.sent_at.db_value(_now())
        if redacted is None:
            db.execute_sql(
                _mark_sent_sql(db.obj.param, False),
                (SENT, now, message_id[:255], subject[:255], note, now, row.id),
            )
        else:
            db.execute_sql(
                _mark_sent_sql(db.obj.param, True),
                (SENT, now, message_id[:255], subject[:255], note, now, redacted, row.id),
            )
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
        mail = current_app.extensions["mail"]
        conn = None
        drafts = {}
        refresh_every = max(0.2, self.settings["sending_timeout_seconds"] / 5)
        last_refresh = last_pause_check = time.monotonic()
        # The "sent" mark of the previous message is committed while this message's envelope
        # goes out, and always before its data does: a crash can leave at most one message
        # accepted but unmarked (the one duplicate), as with marking it before moving on.
        marks = _Marks(self, threaded=is_postgres())
        mark_previous = marks.wait

        index = 0
        try:
            while index < len(rows):
                row = rows[index]
                tick = time.monotonic()
                if tick - last_refresh >= refresh_every:
                    mark_previous()
                    self.refresh_claim()
                    last_refresh = tick
                if tick - last_pause_check >= PAUSE_CHECK_SECONDS:
                    last_pause_check = tick
                    if cfg.is_paused():
                        mark_previous()
                        self.release(rows[index:])
                        break
                item = (drafts.pop(index, None) or _Draft(row)).ready()
                if isinstance(item, Exception):
                    log.error("outbox row %s cannot be rendered: %s", row.id, item)
                    mark_previous()
                    self.mark_failed([row], f"rendering failed: {item}", permanent=True)
                    index += 1
                    continue
                envelope_from, recipients, data, message_id, subject, redacted = item
                if conn is None:
                    mark_previous()
                    try:
                        conn = _Connection(mail)
                        conn.timeout = self.settings["smtp_timeout_seconds"]
                        conn.host = conn.configure_host()
                    except (OSError, smtplib.SMTPException) as exc:
                        conn = None
                        log.warning(
                            "outbox: SMTP unavailable (%s); %d row(s) will retry",
                            exc,
                            len(rows) - index,
                        )
                        self.mark_failed(rows[index:], exc)
                        break

                def prepare_next(following=index + 1):
                    if following < len(rows):
                        draft = drafts.get(following)
                        if draft is None:
                            draft = drafts[following] = _Draft(rows[following])
                        draft.step()

                try:
                    refused = _transmit(
                        conn.host,
                        envelope_from,
                        recipients,
                        data,
                        after_mail=marks.write_held,
                        after_rcpt=prepare_next,
                        before_data=mark_previous,
                        while_waiting=prepare_next,
                    )
                except (
                    smtplib.SMTPRecipientsRefused,
                    smtplib.SMTPSenderRefused,
                    smtplib.SMTPDataError,
                ) as exc:
                    # The server answered: 5xx is final, 4xx is retried later.
                    mark_previous()
                    self.mark_failed([row], exc, permanent=_is_permanent(exc))
                except (OSError, smtplib.SMTPException) as exc:
                    # Connection lost: this row's fate is unknown, so it is retried later (the
                    # one possible duplicate); the next row opens a new connection.
                    mark_previous()
                    self.mark_failed([row], exc)
                    _close(conn)
                    conn = None
                else:
                    note = ""
                    if refused:
                        note = "some recipients refused: " + "; ".join(
                            f"{a}: {c} {_dec(m)}" for a, (c, m) in refused.items()
                        )
                    marks.put((row, message_id, subject, note, redacted))
                if conn is not None and getattr(conn.host, "sock", None) is None:
                    conn = None  # the server closed the connection (421)
                index += 1
            mark_previous()
        finally:
            marks.stop()
            _close(conn)
        return self.summary()

    def summary(self):
        return {
            "sent": self.sent,
            "failed": self.failed,
            "dead": self.dead,
            "released": self.released,
        }


class _Marks:
    """A batch's "sent" marks (``Batch.mark_sent``), each committed before the next message's
    data is sent: ``wait`` returns once every mark handed over is committed, so a crash leaves
    at most one message accepted but unmarked.

    On SQLite a commit is a write to a local file: the mark is written inline, while the server
    answers the next message's MAIL FROM (``write_held``). On PostgreSQL a commit waits for the
    server's disk (and for the network when the database is on another host), which takes longer
    than an SMTP round trip: a thread with its own connection commits the mark while the next
    message's envelope goes out.

    ``wait`` raises what writing a mark raised, and keeps raising it: the batch stops there, as it
    would have marking inline, and the marks handed over after it are not written (their rows
    stay ``sending`` until the reconciler resets them)."""

    def __init__(self, batch, threaded):
        self.batch = batch
        self.held = []
        self.thread = None
        self.error = None
        if threaded:
            self.app = current_app._get_current_object()
            self.items = queue.SimpleQueue()
            self.pending = 0
            self.done = threading.Condition()
            self.thread = threading.Thread(target=self._write, name="outbox-marks", daemon=True)
            self.thread.start()

    def put(self, item):
        if self.thread is None:
            self.held.append(item)
            return
        with self.done:
            self.pending += 1
        self.items.put(item)

    def write_held(self):
        while self.held:
            self.batch.mark_sent(*self.held.pop())

    def wait(self):
        if self.thread is None:
            self.write_held()
            return
        with self.done:
            while self.pending:
                self.done.wait()
        if self.error is not None:
            raise self.error

    def stop(self):
        if self.thread is not None:
            self.items.put(None)
            self.thread.join(30)

    def _write(self):
        with self.app.app_context():
            try:
                db.connect()
            except Exception as exc:
                self.error = exc
            try:
                while (item := self.items.get()) is not None:
                    if self.error is None:
                        try:
                            self.batch.mark_sent(*item)
                        except Exception as exc:
                            self.error = exc
                    with self.done:
                        self.pending -= 1
                        self.done.notify_all()
            finally:
                if not db.is_closed():
                    db.close()


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


class _Draft:
    """A row's message, made ready in two steps while the server answers the message before it:
    the text part while it checks the recipient, the HTML part and the bytes while it takes in
    the data. ``outcome`` is then (envelope from, recipients, bytes, Message-ID, subject, context
    with its secrets wiped or None when it has none), or the exception rendering raised
    (reported per row; it never stops the batch)."""

    __slots__ = ("row", "context", "subject", "text", "outcome")

    def __init__(self, row):
        self.row = row
        self.context = self.subject = self.text = self.outcome = None

    def step(self):
        row = self.row
        if self.outcome is not None:
            return
        try:
            if self.text is None:
                self.context = loads_context(row.context)
                self.subject, self.text = render_text(row.template, self.context, row.language)
                return
            html = render_html(row.template, self.context, row.language, self.subject)
            envelope_from, recipients, data, message_id = build_message(
                row, self.subject, self.text, html
            )
            redacted = None
            if any(k.startswith(SECRET_PREFIX) for k in self.context):
                # Secrets (a reset link, amounts) are only needed to render the mail: gone once
                # it is sent.
                redacted = dumps_context(redact(self.context))
            self.outcome = (envelope_from, recipients, data, message_id, self.subject, redacted)
        except Exception as exc:
            self.outcome = exc

    def ready(self):
        while self.outcome is None:
            self.step()
        return self.outcome


_LEADING_DOT = re.compile(rb"(?m)^\.")
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_ADDRESS = re.compile(rf"{_ATOM}(\.{_ATOM})*@[a-z0-9.-]+\Z")


def _quote(address):
    """smtplib's ``quoteaddr``: the outbox's addresses are plain (validated when written), which
    it would only parse to give back in angle brackets."""
    return f"<{address}>" if _PLAIN_ADDRESS.match(address) else smtplib.quoteaddr(address)


@caches.memoize("notify.sender_address", maxsize=8)
def _sender_address(address):
    return smtplib.quoteaddr(address)


def _reset(host):
    try:
        host.rset()
    except smtplib.SMTPServerDisconnected:
        pass


def _fail(host, code, exc):
    if code == 421:
        host.close()
    else:
        _reset(host)
    raise exc


def _transmit(
    host,
    envelope_from,
    recipients,
    data,
    after_mail=None,
    after_rcpt=None,
    before_data=None,
    while_waiting=None,
):
    """smtplib's ``sendmail`` step by step, with hooks that use the time the server takes to
    answer: ``after_mail`` runs once MAIL FROM is on the wire, ``after_rcpt`` once the first
    RCPT TO is, ``while_waiting`` once the whole message is, each before the server's reply is
    read; ``before_data`` runs just before the message's data is sent (the server cannot have
    accepted it yet). Returns the recipients the server refused while accepting the message for
    the others."""
    host.ehlo_or_helo_if_needed()
    options = f" size={len(data)}" if host.does_esmtp and host.has_extn("size") else ""
    host.putcmd("mail", f"FROM:{_sender_address(envelope_from)}{options}")
    if after_mail is not None:
        after_mail()
    code, reply = host.getreply()
    if code != 250:
        _fail(host, code, smtplib.SMTPSenderRefused(code, reply, envelope_from))
    refused = {}
    for recipient in recipients:
        host.putcmd("rcpt", f"TO:{_quote(recipient)}")  # smtplib's rcpt(), without options
        if after_rcpt is not None:
            after_rcpt()
            after_rcpt = None
        code, reply = host.getreply()
        if code not in (250, 251):
            refused[recipient] = (code, reply)
            if code == 421:
                _fail(host, code, smtplib.SMTPRecipientsRefused(refused))
    if len(refused) == len(recipients):
        _fail(host, 0, smtplib.SMTPRecipientsRefused(refused))
    host.putcmd("data")
    code, reply = host.getreply()
    if code != 354:
        _fail(host, code, smtplib.SMTPDataError(code, reply))
    payload = data
    if payload.startswith(b".") or b"\n." in payload:  # never in what build_message writes
        payload = _LEADING_DOT.sub(b"..", payload)
    if not payload.endswith(b"\r\n"):
        payload += b"\r\n"
    if before_data is not None:
        before_data()
    host.send(payload + b".\r\n")
    if while_waiting is not None:
        while_waiting()
    code, reply = host.getreply()
    if code != 250:
        _fail(host, code, smtplib.SMTPDataError(code, reply))
    return refused


@caches.memoize("notify.mark_sent_sql", maxsize=8)
def _mark_sent_sql(p, with_context):
    """The "sent" mark for the database's parameter style (``?`` or ``%s``)."""
    context = f', "context" = {p}' if with_context else ""
    return (
        f'UPDATE "outbox_message" SET "status" = {p}, "sent_at" = {p}, "message_id" = {p}, '
        f'"subject" = {p}, "last_error" = {p}, "attempts" = "attempts" + 1, "claim" = \'\', '
        f'"updated_at" = {p}{context} WHERE "id" = {p}'
    )


def send_rows(ids, job_id=""):
    return Batch(ids, job_id).run()
