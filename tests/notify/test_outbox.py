"""The outbox contract: rows written in the caller's transaction, sent by RQ jobs to a real SMTP
server (the aiosmtpd ``mail_sink``), one row and one message per idempotency key."""

import datetime as dt

import pytest

from intranet.extensions import db, get_queue, transaction
from intranet.notify.models import DEAD, QUEUED, SENT, OutboxMessage
from intranet.notify.services import InvalidRecipient, normalize_address, queue_email

TEMPLATE = "notify/email/test_message"


def _context(**extra):
    return {"requested_by": "Admin Uji", "requested_at": dt.datetime(2026, 11, 27, 3, 0), **extra}


def _queue(key="test:1", to="warga@example.com", **kw):
    kw.setdefault("kind", "notify.test")
    kw.setdefault("context", _context())
    return queue_email(key, to, TEMPLATE, kw.pop("context"), **kw)


def test_queued_email_arrives_multipart_in_the_recipients_language(app_ctx, run_jobs, mail_sink):
    with transaction():
        row = _queue(language="en", object_type="User", object_id=7)
        assert row.status == QUEUED and row.was_created
        # Nothing is enqueued before the commit.
        assert get_queue().count == 0
    assert get_queue().count == 1

    run_jobs()

    [msg] = mail_sink.wait_for(1)
    assert msg.envelope_to == ["warga@example.com"]
    assert msg["Subject"] == "Test message from Kantor Imigrasi Kelas I Non TPI Jakarta Pusat"
    text, html = mail_sink.text_of(msg), mail_sink.html_of(msg)
    assert "This is a test message sent by Admin Uji" in text
    assert "27 Nov 2026 10:00 WIB" in text  # stored UTC, shown in WIB
    assert "Kantor Imigrasi Kelas I Non TPI Jakarta Pusat" in html
    assert "<img" not in html and "http" not in html.split("</title>")[1]  # nothing remote
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["Date"].datetime.utcoffset() == dt.timedelta(0)
    row = OutboxMessage.get_by_id(row.id)
    assert row.status == SENT and row.attempts == 1 and row.sent_at is not None
    assert row.message_id == msg["Message-ID"]
    assert row.subject == msg["Subject"]
    assert (row.object_type, row.object_id) == ("User", "7")


def test_indonesian_is_the_default_language(app_ctx, run_jobs, mail_sink):
    _queue()
    run_jobs()
    [msg] = mail_sink.wait_for(1)
    assert msg["Subject"].startswith("Pesan uji dari")


def test_same_key_twice_gives_one_row_and_one_message(app_ctx, run_jobs, mail_sink):
    with transaction():
        first = _queue(key="pay:9:41")
        second = _queue(key="pay:9:41", to="other@example.com")
    assert first.id == second.id and not second.was_created
    with transaction():  # a double click, later
        third = _queue(key="pay:9:41")
    assert third.id == first.id
    assert OutboxMessage.select().count() == 1
    run_jobs()
    run_jobs()
    assert len(mail_sink.wait_for(2, timeout=1.5)) == 1
    assert mail_sink.messages[0].envelope_to == ["warga@example.com"]


def test_rolled_back_transaction_writes_and_sends_nothing(app_ctx, run_jobs, mail_sink):
    with pytest.raises(RuntimeError), transaction():
        _queue(key="rollback:1")
        raise RuntimeError("business change failed")
    assert OutboxMessage.select().count() == 0
    assert get_queue().count == 0
    run_jobs()
    assert mail_sink.wait_for(1, timeout=0.5) == []


def test_outside_a_transaction_the_job_is_enqueued_at_once(app_ctx, run_jobs, mail_sink):
    assert not db.in_transaction()
    _queue(key="now:1")
    assert get_queue().count == 1
    run_jobs()
    assert len(mail_sink.wait_for(1)) == 1


def test_one_transaction_many_rows_share_batched_jobs(app_ctx, run_jobs, mail_sink):
    from intranet.notify.settings import set_value

    set_value("batch_size", 10)
    with transaction():
        for i in range(25):
            _queue(key=f"batch:{i}", to=f"p{i}@example.com")
    assert get_queue().count == 3  # 10 + 10 + 5 rows, each job one SMTP connection
    run_jobs()
    assert len(mail_sink.wait_for(25)) == 25
    assert OutboxMessage.select().where(OutboxMessage.status == SENT).count() == 25


@pytest.mark.parametrize(
    "address",
    [
        "",
        "   ",
        "no-at-sign",
        "two@@example.com",
        "a@b",
        "a b@example.com",
        "a@-x.com",
        "a@example..com",
        ".a@example.com",
        "a@example.com\nBcc: x@y.com",
        "Budi <b@example.com>",
        "a@example.123",
        None,
        "x" * 65 + "@example.com",
    ],
)
def test_malformed_address_is_refused_when_written(app_ctx, address):
    with pytest.raises(InvalidRecipient) as err, transaction():
        _queue(key="bad:1", to=address)
    assert isinstance(err.value, ValueError)
    assert "is not a valid e-mail address" in str(err.value) or "bukan alamat" in str(err.value)
    assert OutboxMessage.select().count() == 0


def test_malformed_cc_is_refused_too(app_ctx):
    with pytest.raises(InvalidRecipient), transaction():
        _queue(key="bad:cc", cc=["sponsor@example.com", "nope"])
    assert OutboxMessage.select().count() == 0


def test_address_normalisation():
    assert normalize_address("  Budi.S@Example.COM ") == "Budi.S@example.com"
    assert normalize_address("a@bücher.de") == "a@xn--bcher-kva.de"


def test_cc_receives_the_same_message(app_ctx, run_jobs, mail_sink):
    _queue(key="cc:1", cc=["sponsor@example.com", "warga@example.com"])
    run_jobs()
    [msg] = mail_sink.wait_for(1)
    assert sorted(msg.envelope_to) == ["sponsor@example.com", "warga@example.com"]
    assert msg["Cc"] == "sponsor@example.com"


def test_send_after_waits_for_its_time(app_ctx, run_jobs, mail_sink):
    from intranet.notify.reconcile import reconcile

    later = dt.datetime(2099, 1, 1)
    row = _queue(key="later:1", send_after=later)
    assert get_queue().count == 0
    run_jobs()
    assert mail_sink.wait_for(1, timeout=0.3) == []
    assert reconcile()["enqueued"] == 0
    OutboxMessage.update(send_after=dt.datetime(2000, 1, 1)).where(
        OutboxMessage.id == row.id
    ).execute()
    assert reconcile()["enqueued"] == 1
    run_jobs()
    assert len(mail_sink.wait_for(1)) == 1


def test_a_job_run_twice_sends_once(app_ctx, run_jobs, mail_sink):
    """RQ delivers at least once: the same job executed again finds nothing to claim."""
    from intranet.notify.jobs import send_batch

    row = _queue(key="twice:1")
    run_jobs()
    send_batch([row.id])
    send_batch([row.id, 999999])
    assert len(mail_sink.wait_for(2, timeout=1)) == 1


def test_permanent_refusal_is_dead_at_once(app_ctx, run_jobs, mail_sink, monkeypatch):
    """A 5xx for the recipient: dead without retries; the batch goes on over the connection."""

    async def handle_RCPT(server, session, envelope, address, rcpt_options):
        if address.startswith("unknown"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    monkeypatch.setattr(mail_sink, "handle_RCPT", handle_RCPT, raising=False)
    with transaction():
        bad = _queue(key="dead:1", to="unknown@example.com")
        good = _queue(key="dead:2", to="known@example.com")
    run_jobs()
    assert [m.envelope_to for m in mail_sink.wait_for(1)] == [["known@example.com"]]
    bad = OutboxMessage.get_by_id(bad.id)
    assert bad.status == DEAD and bad.attempts == 1
    assert "550" in bad.last_error
    assert OutboxMessage.get_by_id(good.id).status == SENT


def test_retry_messages_resends_failed_and_dead_never_sent(app_ctx, run_jobs, mail_sink):
    from intranet.notify.models import FAILED
    from intranet.notify.services import retry_messages, status_counts

    with transaction():
        rows = [_queue(key=f"pay:3:{i}", to=f"r{i}@example.com") for i in range(3)]
    run_jobs()
    assert len(mail_sink.wait_for(3)) == 3
    mail_sink.clear()
    OutboxMessage.update(status=FAILED, attempts=2).where(OutboxMessage.id == rows[0].id).execute()
    OutboxMessage.update(status=DEAD, attempts=8).where(OutboxMessage.id == rows[1].id).execute()
    assert status_counts(key_prefix="pay:3:") == {
        "queued": 0,
        "sending": 0,
        "sent": 1,
        "failed": 1,
        "dead": 1,
    }
    assert retry_messages([r.id for r in rows]) == 2  # the sent one is left alone
    run_jobs()
    assert sorted(m.envelope_to[0] for m in mail_sink.wait_for(3, timeout=1)) == [
        "r0@example.com",
        "r1@example.com",
    ]
    assert status_counts(key_prefix="pay:3:")["sent"] == 3


def test_pausing_in_the_middle_of_a_batch_holds_the_rest(app_ctx, run_jobs, mail_sink, monkeypatch):
    from intranet.notify import sending
    from intranet.notify import settings as cfg
    from intranet.notify.admin import resume_sending

    monkeypatch.setattr(sending, "PAUSE_CHECK_SECONDS", 0)
    original = sending.Batch.mark_sent
    pressed = []

    def mark_then_pause(self, *args):
        original(self, *args)
        if self.sent == 5 and not pressed:
            pressed.append(True)
            cfg.set_paused(True)  # an admin presses "Pause" while the batch is going out

    monkeypatch.setattr(sending.Batch, "mark_sent", mark_then_pause)
    with transaction():
        for i in range(30):
            _queue(key=f"mid:{i}", to=f"m{i}@example.com")
    run_jobs()
    sent_before = len(mail_sink.wait_for(30, timeout=1))
    assert 5 <= sent_before <= 7
    assert OutboxMessage.select().where(OutboxMessage.status == QUEUED).count() == 30 - sent_before
    resume_sending()
    run_jobs()
    arrived = [m.envelope_to[0] for m in mail_sink.wait_for(30)]
    assert sorted(arrived) == sorted(f"m{i}@example.com" for i in range(30))
    assert len(mail_sink.wait_for(31, timeout=0.5)) == 30


def test_warm_up_compiles_every_email_template_for_the_work_horses(app_ctx):
    from flask import current_app

    from intranet.notify.warmup import warm_up

    env = current_app.jinja_env
    env.cache.clear()
    warm_up()
    cached = {name for _loader, name in env.cache.keys()}
    assert {
        "email/layout.html",
        "notify/email/layout.html",
        "notify/email/test_message.txt",
        "notify/email/test_message.html",
        "emak/email/pay_notice.txt",
        "emak/email/pay_notice.html",
    } <= cached
    # Pages are left alone: only e-mails are rendered in the horses.
    assert all(name.startswith("email/") or "/email/" in name for name in cached)


def _many(n, prefix, **extra):
    return [
        {
            "key": f"{prefix}:{i}",
            "to": f"{prefix}{i}@example.com",
            "template": TEMPLATE,
            "context": _context(),
            "kind": "notify.test",
            **extra,
        }
        for i in range(n)
    ]


def test_queue_many_writes_the_rows_queue_email_writes(app_ctx):
    from intranet.notify.services import queue_many

    with transaction():
        one = _queue(key="same:1", to="Siti@Kanim.Example", language="en", cc=["X@Example.com"])
        many = queue_many(
            [
                {
                    "key": "same:2",
                    "to": "Siti@Kanim.Example",
                    "template": TEMPLATE,
                    "context": _context(),
                    "language": "en",
                    "kind": "notify.test",
                    "cc": ["X@Example.com"],
                }
            ]
        )
    assert many.created == ["same:2"]
    two = OutboxMessage.get_by_id(many["same:2"])
    one = OutboxMessage.get_by_id(one.id)
    ignored = {"id", "key", "job_id", "job_at", "created_at", "updated_at", "send_after"}
    for field in OutboxMessage._meta.sorted_fields:
        if field.name not in ignored:
            assert getattr(one, field.name) == getattr(two, field.name), field.name
    assert two.job_id and two.job_at


def test_queue_many_keeps_existing_keys_and_enqueues_after_commit(app_ctx, run_jobs, mail_sink):
    from intranet.notify.services import queue_many
    from intranet.notify.settings import set_value

    set_value("batch_size", 10)
    with transaction():
        first = queue_many(_many(5, "many"))
    run_jobs()
    assert len(mail_sink.wait_for(5)) == 5
    with transaction():
        again = queue_many(
            _many(25, "many") + _many(1, "later", send_after=dt.datetime(2099, 1, 1))
        )
        assert get_queue().count == 0  # nothing before the commit
    jobs = get_queue().get_jobs()
    # Only the 20 new due rows, in jobs of at most batch_size rows.
    assert sorted(len(job.args[0]) for job in jobs) == [5, 5, 10]
    assert {k: again[k] for k in first} == dict(first)  # an existing key keeps its row
    assert sorted(again.created) == sorted([f"many:{i}" for i in range(5, 25)] + ["later:0"])
    run_jobs()
    assert len(mail_sink.wait_for(25)) == 25
    assert len(mail_sink.wait_for(26, timeout=0.5)) == 25  # nothing twice; "later" waits


def test_queue_many_refuses_or_skips_a_malformed_address(app_ctx):
    from intranet.notify.services import queue_many

    bad = _many(2, "bad")
    bad[1]["to"] = "not an address"
    with pytest.raises(InvalidRecipient), transaction():
        queue_many(bad)
    assert OutboxMessage.select().count() == 0
    bad[0]["cc"] = ["also bad", "copy@example.com"]
    with transaction():
        result = queue_many(bad, skip_invalid=True)
    assert result.created == ["bad:0"] and result.skipped == ["bad:1"]
    assert OutboxMessage.get_by_id(result["bad:0"]).cc == "copy@example.com"


def test_a_failed_sent_mark_stops_the_batch_before_the_next_message_is_accepted(
    app_ctx, run_jobs, mail_sink, monkeypatch
):
    """The "sent" marks are committed by a thread of the batch while the next envelope goes out;
    the next message's data waits for them. When the database fails to take the third mark (the
    failure is injected: a database outage mid-batch), the fourth message is never accepted,
    and once the reconciler has reset the batch, the third is the only one sent twice."""
    import datetime as dt

    from intranet.models import utcnow
    from intranet.notify import sending
    from intranet.notify.models import SENDING
    from intranet.notify.reconcile import reconcile

    original = sending.Batch.mark_sent
    calls = []

    def failing_third(self, *args):
        calls.append(args[0].id)
        if len(calls) == 3:
            raise RuntimeError("database went away")
        original(self, *args)

    with transaction():
        rows = [_queue(key=f"marks:{i}", to=f"k{i}@example.com") for i in range(6)]
    ids = [r.id for r in rows]
    monkeypatch.setattr(sending.Batch, "mark_sent", failing_third)
    with pytest.raises(RuntimeError, match="database went away"):
        sending.send_rows(ids)
    assert [m.envelope_to[0] for m in mail_sink.wait_for(4, timeout=1)] == [
        "k0@example.com",
        "k1@example.com",
        "k2@example.com",
    ]
    statuses = {r.id: r.status for r in OutboxMessage.select().where(OutboxMessage.id.in_(ids))}
    assert [statuses[i] for i in ids] == [SENT, SENT] + [SENDING] * 4

    monkeypatch.setattr(sending.Batch, "mark_sent", original)
    OutboxMessage.update(claimed_at=utcnow() - dt.timedelta(hours=1)).where(
        OutboxMessage.status == SENDING
    ).execute()
    assert reconcile()["reset"] == 4
    run_jobs()
    arrived = sorted(m.envelope_to[0] for m in mail_sink.wait_for(7))
    assert arrived == sorted([f"k{i}@example.com" for i in range(6)] + ["k2@example.com"])
    assert OutboxMessage.select().where(OutboxMessage.status == SENT).count() == 6
