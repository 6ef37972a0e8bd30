"""A pay run's life as a record: created, edited while a draft, deleted, finalised (the lines
freeze and one notice per employee is made), corrected by a new run. And the refusals every
change to a run shares (``PayError``, ``RunLocked``) with the lock that checks them.

Every write happens in one ``with transaction():`` that re-reads the run under a lock, so a
run's state is checked where it is changed: a final run's lines cannot change whatever route or
race reaches here. Amounts never reach the audit log or the application log; the audit detail
names what changed and how many.
"""

from flask_babel import lazy_gettext as _l
from peewee import fn

from ..audit.services import record
from ..core.refusals import Refusal
from ..extensions import is_postgres, transaction
from ..models import utcnow
from ..people.models import User
from . import components as comp
from .models import DRAFT, FINAL, PayLine, PayNotice, PayRun
from .queries import DEDUCTED, SIGNED

# A refusal naming employees lists this many of them (one line each under the message).
NAMES_SHOWN = 10


class PayError(Refusal):
    """A refused operation, with a message for the user and, for some, further lines (the
    employees concerned).

    The message is kept as text in the language of the moment it is raised (as ``str(exc)``
    always was): a lazy string flashed would come back from the session as Markup, unescaped."""

    def __init__(self, message, details=(), **kwargs):
        super().__init__(str(message), details=details, **kwargs)


class RunLocked(PayError):
    """The run is no longer a draft: its lines and details cannot change."""


LOCKED_MESSAGE = _l(
    "This pay run is final: its lines cannot change. Create a correction run instead."
)


def lock_run(run_id):
    """Re-read a run inside the current transaction, holding its row lock (PostgreSQL; on SQLite
    the transaction already holds the database's write lock)."""
    query = PayRun.select().where(PayRun.id == run_id)
    if is_postgres():
        query = query.for_update()
    run = query.get_or_none()
    if run is None:
        raise PayError(_l("This pay run no longer exists."))
    return run


def require_draft(run, message=LOCKED_MESSAGE):
    """Raise ``RunLocked`` (with ``message``) unless the run is a draft."""
    if run.status != DRAFT:
        raise RunLocked(message)


def kind_label(run):
    if run.kind == comp.OTHER_KIND and run.kind_label:
        return run.kind_label
    return comp.KIND_LABELS.get(run.kind, run.kind)


# ----- creating and editing runs ---------------------------------------------------------------


def _clean_fields(period, kind, kind_label_text, pay_date, send_after, note):
    if kind not in comp.KIND_LABELS:
        raise PayError(_l("Choose the kind of payment."))
    kind_label_text = (kind_label_text or "").strip()
    if kind == comp.OTHER_KIND and not kind_label_text:
        raise PayError(_l("Name the payment for a run of kind \u201cother\u201d."))
    if kind != comp.OTHER_KIND:
        kind_label_text = ""
    return dict(
        period=period.replace(day=1),
        kind=kind,
        kind_label=kind_label_text[:100],
        pay_date=pay_date,
        send_after=send_after,
        note=(note or "").strip(),
    )


def create_run(
    *, period, kind, pay_date, actor, kind_label="", send_after=None, note="", corrects=None
):
    fields = _clean_fields(period, kind, kind_label, pay_date, send_after, note)
    with transaction():
        run = PayRun.create(**fields, corrects=corrects, created_by=actor)
        detail = {"period": run.period.strftime("%Y-%m"), "kind": run.kind}
        if corrects is not None:
            detail["corrects"] = corrects.id
        record("payrun.created", run, actor=actor, detail=detail)
    return run


def update_run(run_id, *, actor, period, kind, pay_date, kind_label="", send_after=None, note=""):
    fields = _clean_fields(period, kind, kind_label, pay_date, send_after, note)
    with transaction():
        run = lock_run(run_id)
        require_draft(run)
        changed = sorted(k for k, v in fields.items() if getattr(run, k) != v)
        for key, value in fields.items():
            setattr(run, key, value)
        run.updated_at = utcnow()
        run.save()
        record("payrun.updated", run, actor=actor, detail={"fields": changed})
    return run


def delete_run(run_id, *, actor):
    with transaction():
        run = lock_run(run_id)
        require_draft(run, _l("Only a draft pay run can be deleted."))
        lines = PayLine.delete().where(PayLine.run == run.id).execute()
        run.delete_instance()
        record(
            "payrun.deleted",
            object_type="PayRun",
            object_id=run_id,
            actor=actor,
            detail={"lines": lines},
        )


def create_correction(run_id, *, actor):
    """A new draft that corrects a final run, starting from a copy of its lines."""
    with transaction():
        original = lock_run(run_id)
        if original.status == DRAFT:
            raise PayError(_l("A draft can still be edited; correct it directly."))
        run = create_run(
            period=original.period,
            kind=original.kind,
            kind_label=original.kind_label,
            pay_date=original.pay_date,
            note="",
            actor=actor,
            corrects=original,
        )
        source = PayLine.select(PayLine.employee, PayLine.component, PayLine.amount).where(
            PayLine.run == original.id
        )
        rows = [
            {"run": run.id, "employee": e, "component": c, "amount": a}
            for e, c, a in source.tuples()
        ]
        for start in range(0, len(rows), 500):
            PayLine.insert_many(rows[start : start + 500]).execute()
    return run


# ----- finalising ------------------------------------------------------------------------------


def finalise_run(run_id, *, actor):
    """draft -> final: freeze the lines and make one notice per employee."""
    with transaction():
        run = lock_run(run_id)
        require_draft(run, _l("This pay run is already final."))
        earnings = fn.SUM(SIGNED)
        deductions = fn.SUM(DEDUCTED)
        per_employee = list(
            PayLine.select(PayLine.employee, earnings, deductions)
            .where(PayLine.run == run.id)
            .group_by(PayLine.employee)
            .tuples()
        )
        if not per_employee:
            raise PayError(_l("The run has no lines yet: enter or import them first."))
        negative = [e for e, ea, de in per_employee if int(ea or 0) - int(de or 0) < 0]
        if negative:
            names = [u.name for u in User.select(User.name).where(User.id.in_(negative[:20]))]
            raise PayError(
                _l("Some employees' deductions exceed their earnings."), names[:NAMES_SHOWN]
            )
        now = utcnow()
        rows = [
            {
                "run": run.id,
                "employee": e,
                "earnings": int(ea or 0),
                "deductions": int(de or 0),
                "net": int(ea or 0) - int(de or 0),
                "created_at": now,
            }
            for e, ea, de in per_employee
        ]
        for start in range(0, len(rows), 500):
            PayNotice.insert_many(rows[start : start + 500]).execute()
        run.status = FINAL
        run.finalised_by = actor
        run.finalised_at = now
        run.updated_at = now
        run.save()
        record("payrun.finalised", run, actor=actor, detail={"employees": len(rows)})
    return run
