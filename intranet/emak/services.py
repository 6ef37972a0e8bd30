"""Pay runs: creating, entering and importing lines, finalising, sending through the outbox.

Every write happens in one ``with transaction():`` that re-reads the run under a lock, so a
run's state is checked where it is changed: a final run's lines cannot change whatever route or
race reaches here, and a second "send" finds the run already sending. Amounts never reach the
audit log or the application log; the audit detail names what changed and how many.
"""

import datetime as dt
from collections import defaultdict, namedtuple
from dataclasses import dataclass, field

from flask import current_app, has_request_context, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from peewee import JOIN, Case, fn

from ..audit.services import record
from ..extensions import db, is_postgres, transaction
from ..models import utcnow
from ..people.models import User
from ..people.nip import NipError, normalize_nip, validate_nip
from . import components as comp
from .importer import read_rows
from .models import DRAFT, FINAL, SENDING, SENT, PayLine, PayNotice, PayRun
from .money import AmountError, parse_amount

NOTICE_TEMPLATE = "emak/email/pay_notice"
NOTICE_KIND = "emak.pay_notice"
OBJECT_TYPE = "PayRun"


class PayError(Exception):
    """A refused operation, with a message for the user."""

    def __init__(self, message, details=()):
        super().__init__(str(message))
        self.message = message
        self.details = list(details)


class RunLocked(PayError):
    """The run is no longer a draft: its lines and details cannot change."""


def notice_key(run_id, employee_id):
    return f"pay:{run_id}:{employee_id}"


# ----- reading --------------------------------------------------------------------------------


def _lock_run(run_id):
    """Re-read a run inside the current transaction, holding its row lock (PostgreSQL; on SQLite
    the transaction already holds the database's write lock)."""
    query = PayRun.select().where(PayRun.id == run_id)
    if is_postgres():
        query = query.for_update()
    run = query.get_or_none()
    if run is None:
        raise PayError(_l("This pay run no longer exists."))
    return run


LOCKED_MESSAGE = _l(
    "This pay run is final: its lines cannot change. Create a correction run instead."
)


def _require_draft(run):
    if run.status != DRAFT:
        raise RunLocked(LOCKED_MESSAGE)


def kind_label(run):
    if run.kind == comp.OTHER_KIND and run.kind_label:
        return run.kind_label
    return comp.KIND_LABELS.get(run.kind, run.kind)


_SIGNED = Case(
    None,
    [(PayLine.component.in_([c.code for c in comp.COMPONENTS if c.is_deduction]), 0)],
    PayLine.amount,
)
_DEDUCTED = Case(
    None,
    [(PayLine.component.in_([c.code for c in comp.COMPONENTS if c.is_deduction]), PayLine.amount)],
    0,
)


@dataclass
class Totals:
    components: list = field(default_factory=list)  # [(code, count, total)] in display order
    earnings: int = 0
    deductions: int = 0
    employees: int = 0
    lines: int = 0

    @property
    def net(self):
        return self.earnings - self.deductions


def run_totals(run):
    totals = Totals()
    rows = (
        PayLine.select(PayLine.component, fn.COUNT(PayLine.id), fn.SUM(PayLine.amount))
        .where(PayLine.run == run.id)
        .group_by(PayLine.component)
        .tuples()
    )
    for code, count, total in sorted(rows, key=lambda r: comp.sort_key(r[0])):
        total = int(total or 0)
        totals.components.append((code, count, total))
        totals.lines += count
        if comp.BY_CODE[code].is_deduction:
            totals.deductions += total
        else:
            totals.earnings += total
    distinct = fn.COUNT(fn.DISTINCT(PayLine.employee))
    totals.employees = PayLine.select(distinct).where(PayLine.run == run.id).scalar() or 0
    return totals


def employee_summaries(run, q="", page=1, per_page=100):
    """(rows, total): per employee of the run, earnings, deductions and net, by name."""
    earnings = fn.SUM(_SIGNED).alias("earnings")
    deductions = fn.SUM(_DEDUCTED).alias("deductions")
    query = (
        PayLine.select(
            User.id,
            User.nip,
            User.name,
            User.is_active,
            earnings,
            deductions,
            fn.COUNT(PayLine.id).alias("lines"),
        )
        .join(User, on=(PayLine.employee == User.id))
        .where(PayLine.run == run.id)
        .group_by(User.id, User.nip, User.name, User.is_active)
    )
    if q:
        query = query.where(
            fn.LOWER(User.name).contains(q.lower()) | User.nip.startswith(normalize_nip(q))
        )
    total = query.count()
    rows = []
    for r in query.order_by(User.name, User.id).paginate(page, per_page).dicts():
        r["earnings"] = int(r["earnings"] or 0)
        r["deductions"] = int(r["deductions"] or 0)
        r["net"] = r["earnings"] - r["deductions"]
        rows.append(r)
    return rows, total


def employees_without_line(run, limit=200):
    """(count, first users): active staff who have no line in the run."""
    in_run = PayLine.select(PayLine.employee).where(PayLine.run == run.id)
    query = User.select().where(User.is_active == True, User.id.not_in(in_run))  # noqa: E712
    return query.count(), list(query.order_by(User.name).limit(limit))


def employee_lines(run, employee_id):
    lines = list(PayLine.select().where(PayLine.run == run.id, PayLine.employee == employee_id))
    return sorted(lines, key=lambda line: comp.sort_key(line.component))


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
        run = _lock_run(run_id)
        _require_draft(run)
        changed = sorted(k for k, v in fields.items() if getattr(run, k) != v)
        for key, value in fields.items():
            setattr(run, key, value)
        run.updated_at = utcnow()
        run.save()
        record("payrun.updated", run, actor=actor, detail={"fields": changed})
    return run


def delete_run(run_id, *, actor):
    with transaction():
        run = _lock_run(run_id)
        if run.status != DRAFT:
            raise RunLocked(_l("Only a draft pay run can be deleted."))
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
        original = _lock_run(run_id)
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


# ----- lines -----------------------------------------------------------------------------------


def find_employee(nip_text):
    """The active employee with this NIP, or raise PayError."""
    try:
        nip = validate_nip(nip_text)
    except NipError as exc:
        raise PayError(exc.args[0]) from None
    user = User.get_or_none(User.nip == nip)
    if user is None:
        raise PayError(_l("No employee has this NIP."))
    if not user.is_active:
        raise PayError(_l("This employee's account is inactive."))
    return user


def save_employee_lines(run_id, employee_id, lines, *, actor):
    """Replace one employee's lines in a draft: ``lines`` is [(component, amount)]."""
    codes = [c for c, _a in lines]
    if len(set(codes)) != len(codes):
        raise PayError(_l("Each component may appear only once per employee."))
    if not lines:
        raise PayError(_l("Enter at least one component."))
    for code, amount in lines:
        if code not in comp.BY_CODE or not isinstance(amount, int) or amount < 0:
            raise PayError(_l("Every line needs a known component and an amount of zero or more."))
    net = sum(comp.signed(c, a) for c, a in lines)
    if net < 0:
        raise PayError(_l("Deductions exceed earnings: the net would be negative."))
    with transaction():
        run = _lock_run(run_id)
        _require_draft(run)
        existed = (
            PayLine.delete().where(PayLine.run == run.id, PayLine.employee == employee_id).execute()
        )
        PayLine.insert_many(
            [
                {"run": run.id, "employee": employee_id, "component": c, "amount": a}
                for c, a in lines
            ]
        ).execute()
        run.updated_at = utcnow()
        run.save(only=[PayRun.updated_at])
        record(
            "payrun.lines_saved",
            run,
            actor=actor,
            detail={
                "employee_id": employee_id,
                "components": sorted(codes),
                "replaced": bool(existed),
            },
        )
    return run


def delete_employee_lines(run_id, employee_id, *, actor):
    with transaction():
        run = _lock_run(run_id)
        _require_draft(run)
        removed = (
            PayLine.delete().where(PayLine.run == run.id, PayLine.employee == employee_id).execute()
        )
        if removed:
            run.updated_at = utcnow()
            run.save(only=[PayRun.updated_at])
            record(
                "payrun.lines_deleted",
                run,
                actor=actor,
                detail={"employee_id": employee_id, "lines": removed},
            )
    return removed


# ----- import ----------------------------------------------------------------------------------


@dataclass
class RowError:
    row: int | None
    column: str
    value: str
    message: str


@dataclass
class ImportResult:
    lines: list = field(default_factory=list)  # [(employee_id, component, amount)]
    errors: list = field(default_factory=list)  # [RowError]
    rows: int = 0

    @property
    def employees(self):
        return len({e for e, _c, _a in self.lines})


def _shown(value):
    if value is None:
        return ""
    text = str(value).strip()
    return text if len(text) <= 60 else text[:57] + "..."


def _users_by_nip(nips):
    found = {}
    nips = sorted(nips)
    for start in range(0, len(nips), 500):
        chunk = nips[start : start + 500]
        for user in User.select(User.id, User.nip, User.name, User.is_active).where(
            User.nip.in_(chunk)
        ):
            found[user.nip] = user
    return found


def _nip_text(value):
    """A NIP cell as text. A spreadsheet that stored the NIP as a number keeps only ~15 digits
    (a float), so those are refused rather than matched to the wrong person."""
    if isinstance(value, float):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return normalize_nip(str(value or "").strip().lstrip("'"))


def validate_rows(run, raw_rows, *, replace=False):
    """Check every row against the database; nothing is written. Returns an ImportResult whose
    ``errors`` lists every problem, row by row."""
    result = ImportResult(rows=len(raw_rows))
    nips = {t for t in (_nip_text(r.nip) for r in raw_rows) if t}
    users = _users_by_nip(nips)
    existing = set()
    existing_net = defaultdict(int)
    if not replace:
        for e, c, a in (
            PayLine.select(PayLine.employee, PayLine.component, PayLine.amount)
            .where(PayLine.run == run.id)
            .tuples()
        ):
            existing.add((e, c))
            existing_net[e] += comp.signed(c, a)
    seen = {}
    net = defaultdict(int)
    last_row = {}
    nip_label, comp_label, amount_label = _("NIP"), _("Component"), _("Amount")
    for raw in raw_rows:
        errors = []
        user = None
        nip = _nip_text(raw.nip)
        if nip is None:
            errors.append(
                RowError(
                    raw.number,
                    nip_label,
                    _shown(raw.nip),
                    _(
                        "The NIP was stored as a number and lost digits; "
                        "format the NIP column as text."
                    ),
                )
            )
        elif not nip:
            errors.append(RowError(raw.number, nip_label, "", _("The NIP is missing.")))
        elif not (nip.isdigit() and len(nip) == 18):
            errors.append(
                RowError(raw.number, nip_label, _shown(raw.nip), _("A NIP has exactly 18 digits."))
            )
        else:
            user = users.get(nip)
            if user is None:
                errors.append(
                    RowError(
                        raw.number, nip_label, nip, _("Unknown NIP: no employee has this number.")
                    )
                )
            elif not user.is_active:
                errors.append(
                    RowError(
                        raw.number,
                        nip_label,
                        nip,
                        _("This NIP belongs to an inactive employee (%(name)s).", name=user.name),
                    )
                )
                user = None
        code = None
        if raw.component is None or not str(raw.component).strip():
            errors.append(RowError(raw.number, comp_label, "", _("The component is missing.")))
        else:
            code = comp.find_component(raw.component)
            if code is None:
                errors.append(
                    RowError(raw.number, comp_label, _shown(raw.component), _("Unknown component."))
                )
        amount = None
        try:
            amount = parse_amount(raw.amount)
        except AmountError as exc:
            errors.append(RowError(raw.number, amount_label, _shown(raw.amount), str(exc.message)))
        if user is not None and code is not None:
            key = (user.id, code)
            if key in seen:
                errors.append(
                    RowError(
                        raw.number,
                        comp_label,
                        _shown(raw.component),
                        _(
                            "Duplicate line: row %(row)s already has this component for this NIP.",
                            row=seen[key],
                        ),
                    )
                )
            elif key in existing:
                errors.append(
                    RowError(
                        raw.number,
                        comp_label,
                        _shown(raw.component),
                        _(
                            "Duplicate line: this run already has this component for this NIP "
                            "(choose \u201creplace all lines\u201d to import the whole run again)."
                        ),
                    )
                )
            seen.setdefault(key, raw.number)
        if errors:
            result.errors.extend(errors)
            continue
        result.lines.append((user.id, code, amount))
        net[user.id] += comp.signed(code, amount)
        last_row[user.id] = (raw.number, user.nip)
    if not result.errors:
        for employee_id, value in net.items():
            if value + existing_net.get(employee_id, 0) < 0:
                row, nip = last_row[employee_id]
                result.errors.append(
                    RowError(
                        row,
                        nip_label,
                        nip,
                        _(
                            "Deductions exceed earnings for this employee: "
                            "the net would be negative."
                        ),
                    )
                )
    result.errors.sort(key=lambda e: e.row or 0)
    return result


def import_lines(run_id, *, filename, data, replace, actor):
    """Validate every row, then save all of them or none. Returns the ImportResult; when it has
    errors, nothing was written."""
    max_rows = current_app.config.get("EMAK_IMPORT_MAX_ROWS", 50_000)
    run = PayRun.get_or_none(PayRun.id == run_id)
    if run is None:
        raise PayError(_l("This pay run no longer exists."))
    _require_draft(run)
    raw_rows = read_rows(filename, data, max_rows=max_rows)  # FileRejected propagates
    with transaction():
        run = _lock_run(run_id)
        _require_draft(run)
        result = validate_rows(run, raw_rows, replace=replace)
        if result.errors:
            return result
        if replace:
            PayLine.delete().where(PayLine.run == run.id).execute()
        rows = [
            {"run": run.id, "employee": e, "component": c, "amount": a} for e, c, a in result.lines
        ]
        for start in range(0, len(rows), 500):
            PayLine.insert_many(rows[start : start + 500]).execute()
        run.updated_at = utcnow()
        run.save(only=[PayRun.updated_at])
        record(
            "payrun.lines_imported",
            run,
            actor=actor,
            detail={
                "rows": len(rows),
                "employees": result.employees,
                "mode": "replace" if replace else "add",
                "format": filename.rsplit(".", 1)[-1].lower(),
            },
        )
    return result


# ----- finalising ------------------------------------------------------------------------------


def finalise_run(run_id, *, actor):
    """draft -> final: freeze the lines and make one notice per employee."""
    with transaction():
        run = _lock_run(run_id)
        if run.status != DRAFT:
            raise RunLocked(_l("This pay run is already final."))
        earnings = fn.SUM(_SIGNED)
        deductions = fn.SUM(_DEDUCTED)
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
            raise PayError(_l("Some employees' deductions exceed their earnings."), names)
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


# ----- e-mail ----------------------------------------------------------------------------------


def _slip_url(notice_id):
    """The notice's page in the intranet, absolute (for the e-mail); empty when the intranet's
    address is not known (no request, no SERVER_NAME_FOR_LINKS)."""
    return _slip_urls()(notice_id)


_MARKER = 918273645  # an id no notice has, replaced in the URL built for it


def _slip_urls():
    """``_slip_url`` for many notices at once (a pay run): the URL is built once, for a marker
    id, and each notice's id put in its place."""
    base = current_app.config.get("SERVER_NAME_FOR_LINKS") or (
        request.host_url if has_request_context() else ""
    )
    if not base:
        return lambda notice_id: ""
    path = current_app.url_map.bind("localhost").build("emak.show_notice", {"notice_id": _MARKER})
    head, _marker, tail = (base.rstrip("/") + path).partition(str(_MARKER))
    return lambda notice_id: f"{head}{int(notice_id)}{tail}"


def notice_context(run, notice, employee, lines, slip_url=_slip_url):
    """What the e-mail template needs, JSON-serialisable (the outbox renders it at send time).

    The amounts sit under ``secret_pay``: the outbox never shows ``secret_`` keys to admins and
    wipes them once the message is sent."""
    return {
        "run_id": run.id,
        "notice_id": notice.id,
        "kind": run.kind,
        "kind_label": run.kind_label,
        "period": run.period.isoformat(),
        "pay_date": run.pay_date.isoformat(),
        "corrects_period": run.corrects.period.isoformat() if run.corrects_id else None,
        "is_correction": bool(run.corrects_id),
        "note": run.note,
        "name": employee.name,
        "nip": employee.display_nip,
        "secret_pay": {
            "lines": [
                {
                    "component": line.component,
                    "deduction": comp.BY_CODE[line.component].is_deduction,
                    "amount": line.amount,
                }
                for line in lines
            ],
            "earnings": notice.earnings,
            "deductions": notice.deductions,
            "net": notice.net,
        },
        "url": slip_url(notice.id) if notice.id else "",  # a draft's notice has no page yet
    }


def notice_language(employee):
    return employee.language if employee.language in ("id", "en") else "id"


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


def preview_context(run, employee_id):
    """The rendered e-mail's context and language for one employee, before or after sending."""
    employee = User.get_or_none(User.id == employee_id)
    if employee is None:
        return None
    notice = PayNotice.get_or_none(PayNotice.run == run.id, PayNotice.employee == employee_id)
    lines = employee_lines(run, employee_id)
    if not lines:
        return None
    if notice is None:  # a draft: the totals the notice will carry
        earnings = sum(x.amount for x in lines if not comp.BY_CODE[x.component].is_deduction)
        deductions = sum(x.amount for x in lines if comp.BY_CODE[x.component].is_deduction)
        notice = PayNotice(
            id=0,
            run=run,
            employee=employee,
            earnings=earnings,
            deductions=deductions,
            net=earnings - deductions,
        )
    return employee, notice_context(run, notice, employee, lines), notice_language(employee)


@dataclass
class SendResult:
    queued: int
    already: bool = False


def send_run(run_id, *, actor, now=None):
    """final -> sending: one outbox row per employee, keyed ``pay:<run>:<employee>``, written in
    the same transaction as the state change. Pressing send again (or twice at once) finds the
    run already sending and queues nothing; the keys would refuse a second row anyway."""
    from ..notify.services import InvalidRecipient, normalize_address
    from .outbox import queue_notices

    now = now or utcnow()
    with transaction():
        run = _lock_run(run_id)
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
                _l("Some employees have no valid e-mail address; fix them first."), bad[:20]
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
            locked = _lock_run(run.id)
            if locked.status != SENDING:
                return locked
            locked.status = SENT
            locked.completed_at = now or utcnow()
            locked.save()
            record("payrun.sent", locked, detail={"notices": counts.total})
            return locked
    return run


# ----- rendering -------------------------------------------------------------------------------


def render_notice(context, language):
    """(subject, text, html) of a notice exactly as the outbox renders it at send time."""
    from ..notify.rendering import render_email

    return render_email(NOTICE_TEMPLATE, context, language)


# ----- delivery --------------------------------------------------------------------------------


def visible_notices(user_id, now=None):
    """The notices an employee sees: their own, of runs being sent or sent, once the run's
    send-after time has come. Newest first."""
    now = now or utcnow()
    return (
        PayNotice.select(PayNotice, PayRun)
        .join(PayRun, on=(PayNotice.run == PayRun.id))
        .where(
            PayNotice.employee == user_id,
            PayRun.status.in_([SENDING, SENT]),
            PayRun.send_after.is_null() | (PayRun.send_after <= now),
        )
        .order_by(PayRun.pay_date.desc(), PayRun.period.desc(), PayRun.id.desc())
    )


# ----- delivery status (the outbox rows of a run) ----------------------------------------------

DELIVERY_STATES = ("queued", "sending", "sent", "failed", "dead")


def _outbox():
    from ..notify.models import OutboxMessage

    return OutboxMessage


def _run_rows(outbox, run_id):
    return (outbox.object_type == OBJECT_TYPE) & (outbox.object_id == str(run_id))


@dataclass
class Progress:
    total: int = 0
    queued: int = 0
    sending: int = 0
    sent: int = 0
    failed: int = 0
    dead: int = 0
    waiting_until: dt.datetime | None = None

    @property
    def percent(self):
        if not self.total:
            return 0
        return 100 if self.sent >= self.total else self.sent * 100 // self.total

    @property
    def complete(self):
        return bool(self.total) and self.sent >= self.total

    @property
    def settled(self):
        """Nothing more will happen without someone pressing re-send: polling can stop."""
        return not (self.queued or self.sending or self.failed)


def _status_counts(run_ids):
    counts = defaultdict(dict)
    if not run_ids:
        return counts
    outbox = _outbox()
    rows = (
        outbox.select(outbox.object_id, outbox.status, fn.COUNT(outbox.id))
        .where(outbox.object_type == OBJECT_TYPE, outbox.object_id.in_([str(i) for i in run_ids]))
        .group_by(outbox.object_id, outbox.status)
        .tuples()
    )
    for object_id, status, count in rows:
        counts[int(object_id)][status] = count
    return counts


def progress(run, now=None):
    """Queued / sending / sent / failed / dead counts of a run's notices, from the outbox."""
    now = now or utcnow()
    result = Progress(total=PayNotice.select().where(PayNotice.run == run.id).count())
    if run.status not in (SENDING, SENT):
        return result
    for status, count in _status_counts([run.id]).get(run.id, {}).items():
        if status in DELIVERY_STATES:
            setattr(result, status, count)
    if run.send_after and run.send_after > now and result.queued:
        result.waiting_until = run.send_after
    return result


def notice_counts_for_runs(run_ids):
    """{run_id: Progress} for a list page (one grouped query for the page's runs)."""
    totals = dict(
        PayNotice.select(PayNotice.run, fn.COUNT(PayNotice.id))
        .where(PayNotice.run.in_(list(run_ids) or [0]))
        .group_by(PayNotice.run)
        .tuples()
    )
    sent = PayRun.select(PayRun.id).where(
        PayRun.id.in_(list(run_ids) or [0]), PayRun.status.in_([SENDING, SENT])
    )
    statuses = _status_counts([r.id for r in sent])
    result = {}
    for run_id in run_ids:
        p = Progress(total=totals.get(run_id, 0))
        for status, count in statuses.get(run_id, {}).items():
            if status in DELIVERY_STATES:
                setattr(p, status, count)
        result[run_id] = p
    return result


def deliveries(run, status="", page=1, per_page=50):
    """(rows, total): each employee's notice with its outbox row's status."""
    outbox = _outbox()
    query = (
        PayNotice.select(
            PayNotice.id.alias("notice_id"),
            User.id.alias("employee_id"),
            User.name,
            User.nip,
            User.email,
            outbox.status,
            outbox.attempts,
            outbox.last_error,
            outbox.sent_at,
        )
        .join(User, on=(PayNotice.employee == User.id))
        .join(outbox, JOIN.LEFT_OUTER, on=(outbox.id == PayNotice.outbox_id))
        .where(PayNotice.run == run.id)
    )
    if status in DELIVERY_STATES:
        query = query.where(outbox.status == status)
    total = query.count()
    rows = list(query.order_by(User.name, User.id).paginate(page, per_page).dicts())
    return rows, total


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
        run = _lock_run(run_id)
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
