"""A run's lines: one employee's entered by hand (found by NIP, replaced whole), or many
imported from a file (``importer`` reads the file; every row is checked here against the
database and the run, then all are saved or none)."""

from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..extensions import transaction
from ..models import utcnow
from ..people.models import User
from ..people.nip import NipError, normalize_nip, validate_nip
from . import components as comp
from .importer import read_rows
from .models import PayLine, PayRun
from .money import AmountError, parse_amount
from .runs import PayError, lock_run, require_draft


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
        run = lock_run(run_id)
        require_draft(run)
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
        run = lock_run(run_id)
        require_draft(run)
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
    require_draft(run)
    raw_rows = read_rows(filename, data, max_rows=max_rows)  # FileRejected propagates
    with transaction():
        run = lock_run(run_id)
        require_draft(run)
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
