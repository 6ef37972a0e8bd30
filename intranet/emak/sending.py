"""Sending a run's notices: final -> sending (one outbox row per employee, in the same
transaction as the state change), sending -> sent once the mail server accepted every notice,
and sending the failed ones again."""

from collections import defaultdict, namedtuple
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..extensions import db, transaction
from ..models import utcnow
from ..people.models import User
from . import components as comp
from .models import FINAL, SENDING, SENT, PayNotice, PayRun
from .notices import _slip_urls, notice_context, notice_language
from .outbox import NOTICE_KIND, NOTICE_TEMPLATE, OBJECT_TYPE, notice_key, queue_notices
from .queries import progress
from .runs import NAMES_SHOWN, PayError, lock_run

Line = namedtuple("Line", "component amount")
Employee = namedtuple("Employee", "id name display_nip email language")
Notice = namedtuple("Notice", "id employee_id earnings deductions net")


def _display_nip(nip):
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}" if len(nip) == 18 else nip


def _lines_by_employee(run_id):
    """{employee id: [Line]} of a run, in display order (plain tuples: a whole office at once)."""
    grouped = defaultdict(list)
    # Plain SQL: the query builder's per-value conversions cost more than the query here.
    cursor = db.execute_sql(
        'SELECT "employee_id", "component", "amount" FROM "pay_line" WHERE "run_id" = ' + db.param,
        (run_id,),
    )
    for employee_id, code, amount in cursor:
        grouped[employee_id].append(Line(code, amount))
    for lines in grouped.values():
        lines.sort(key=lambda line: comp.sort_key(line.component))
    return grouped


def _notices_with_employees(run_id):
    query = (
        PayNotice.select(
            PayNotice.id,
            PayNotice.employee,
            PayNotice.earnings,
            PayNotice.deductions,
            PayNotice.net,
            User.name,
            User.nip,
            User.email,
            User.language,
        )
        .join(User, on=(PayNotice.employee == User.id))
        .where(PayNotice.run == run_id)
        .order_by(PayNotice.id)
        .tuples()
    )
    return [
        (Notice(nid, eid, ea, de, net), Employee(eid, name, _display_nip(nip), email, lang))
        for nid, eid, ea, de, net, name, nip, email, lang in query
    ]


@dataclass
class SendResult:
    queued: int
    already: bool = False


def send_run(run_id, *, actor, now=None):
    """final -> sending: one outbox row per employee, keyed ``pay:<run>:<employee>``, written in
    the same transaction as the state change. Pressing send again (or twice at once) finds the
    run already sending and queues nothing; the keys would refuse a second row anyway."""
    from ..notify.services import InvalidRecipient, normalize_address

    now = now or utcnow()
    with transaction():
        run = lock_run(run_id)
        if run.status in (SENDING, SENT):
            return SendResult(queued=0, already=True)
        if run.status != FINAL:
            raise PayError(_l("Finalise the run before sending its notices."))
        notices = _notices_with_employees(run.id)
        bad = []
        for _notice, employee in notices:
            try:
                normalize_address(employee.email)
            except InvalidRecipient:
                bad.append(employee.name)
        if bad:
            # Nothing is queued unless everyone can be.
            raise PayError(
                _l("Some employees have no valid e-mail address; fix them first."),
                bad[:NAMES_SHOWN],
            )
        lines = _lines_by_employee(run.id)
        slip_url = _slip_urls()
        messages = [
            (
                notice_key(run.id, employee.id),
                employee.email,
                notice_context(run, notice, employee, lines[employee.id], slip_url),
                notice_language(employee),
            )
            for notice, employee in notices
        ]
        ids = queue_notices(
            messages,
            template=NOTICE_TEMPLATE,
            kind=NOTICE_KIND,
            object_type=OBJECT_TYPE,
            object_id=run.id,
            send_after=run.send_after,
        )
        _store_outbox_ids(
            [(notice.id, ids[notice_key(run.id, employee.id)]) for notice, employee in notices]
        )
        run.status = SENDING
        run.sent_by = actor
        run.send_requested_at = now
        run.updated_at = now
        run.save()
        record(
            "payrun.send",
            run,
            actor=actor,
            detail={
                "notices": len(notices),
                "send_after": run.send_after.isoformat() if run.send_after else None,
            },
        )
    return SendResult(queued=len(notices))


def _store_outbox_ids(pairs):
    """[(notice id, outbox row id)]: one UPDATE per 500 notices (written as SQL: the query
    builder spends longer on a 500-branch CASE than the database does)."""
    p = db.param
    for start in range(0, len(pairs), 500):
        chunk = pairs[start : start + 500]
        params = [value for pair in chunk for value in pair]
        params += [nid for nid, _o in chunk]
        db.execute_sql(
            'UPDATE "pay_notice" SET "outbox_id" = CASE "id" '
            + " ".join([f"WHEN {p} THEN {p}"] * len(chunk))
            + ' END WHERE "id" IN ('
            + ", ".join([p] * len(chunk))
            + ")",
            params,
        )


def _complete_if_delivered(run, counts, now=None):
    """sending -> sent once every notice was accepted by the mail server."""
    if run.status == SENDING and counts.total and counts.sent == counts.total:
        with transaction():
            locked = lock_run(run.id)
            if locked.status != SENDING:
                return locked
            locked.status = SENT
            locked.completed_at = now or utcnow()
            locked.save()
            record("payrun.sent", locked, detail={"notices": counts.total})
            return locked
    return run


def _outbox():
    from ..notify.models import OutboxMessage

    return OutboxMessage


def _run_rows(outbox, run_id):
    return (outbox.object_type == OBJECT_TYPE) & (outbox.object_id == str(run_id))


def resend_failed(run_id, *, actor, now=None):
    """Send again the run's failed and dead notices, and only those.

    The outbox has no retry function yet, so this is the outbox's own move done here: the rows
    go back to ``queued`` (due now, under a fresh job id) in one conditional UPDATE that only
    touches rows still failed or dead, and their send job is enqueued after the commit. A row
    a worker is sending, or has sent, is left alone; should the enqueue be lost, the outbox's
    reconciler finds the rows queued and enqueues them."""
    from ..notify.services import enqueue_send, new_job_id

    outbox = _outbox()
    now = now or utcnow()
    jobs = []
    with transaction():
        run = lock_run(run_id)
        if run.status not in (SENDING, SENT):
            raise PayError(_l("The notices of this run have not been sent yet."))
        ids = [
            row_id
            for (row_id,) in outbox.select(outbox.id)
            .where(_run_rows(outbox, run.id), outbox.status.in_(["failed", "dead"]))
            .order_by(outbox.id)
            .tuples()
        ]
        if not ids:
            return 0
        batch = max(1, _notify_batch_size())
        count = 0
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            job_id = new_job_id()
            count += (
                outbox.update(
                    status="queued",
                    send_after=now,
                    job_id=job_id,
                    job_at=now,
                    claim="",
                    claimed_at=None,
                    updated_at=now,
                )
                .where(outbox.id.in_(chunk), outbox.status.in_(["failed", "dead"]))
                .execute()
            )
            jobs.append((job_id, chunk))
        if run.status == SENT:
            run.status = SENDING
            run.completed_at = None
            run.save()
        record("payrun.resend", run, actor=actor, detail={"notices": count})
    for job_id, chunk in jobs:
        enqueue_send(job_id, chunk)
    return count


def _notify_batch_size():
    from ..notify import settings

    return settings.setting("batch_size")


def complete_sent_runs(now=None):
    """sending -> sent for runs whose every notice was accepted (periodic; idempotent)."""
    done = 0
    for run in PayRun.select().where(PayRun.status == SENDING):
        if _complete_if_delivered(run, progress(run, now), now).status == SENT:
            done += 1
    return done
