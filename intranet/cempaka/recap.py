"""Si Cempaka's monthly recap: per employee, the work days with an approved, pending, revision or
rejected deliverable, and the month's working days (the recap page and its CSV/XLSX export).
"""

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, fn

from ..people.models import Unit, User
from .models import APPROVED, PENDING, REJECTED, REVISION, WITHDRAWN, Submission


@dataclass
class RecapRow:
    employee_id: int
    name: str
    nip: str
    unit: str
    approved_days: int = 0
    pending_days: int = 0
    revision_days: int = 0
    rejected_days: int = 0
    submissions: int = 0


def month_bounds(month):
    first = month.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return first, nxt - dt.timedelta(days=1)


def working_days(month, settings):
    first, last = month_bounds(month)
    return sum(
        1
        for i in range((last - first).days + 1)
        if (first + dt.timedelta(days=i)).isoweekday() in settings.work_days
    )


def recap(month, employees):
    """Per employee of ``employees`` (a User id subquery, or None for everyone) for a month:
    the number of distinct work days with an approved / pending / revision / rejected
    deliverable, and the number of deliverables."""
    first, last = month_bounds(month)
    query = (
        Submission.select(
            Submission.employee,
            Submission.status,
            fn.COUNT(fn.DISTINCT(Submission.work_date)).alias("days"),
            fn.COUNT(Submission.id).alias("n"),
        )
        .where(Submission.work_date.between(first, last) & (Submission.status != WITHDRAWN))
        .group_by(Submission.employee, Submission.status)
    )
    if employees is not None:
        query = query.where(Submission.employee.in_(employees))
    per_employee = {}
    for employee_id, status, days, n in query.tuples():
        row = per_employee.setdefault(employee_id, {"n": 0})
        row[status] = days
        row["n"] += n
    if employees is not None:
        users = User.select(User, Unit).join(Unit, JOIN.LEFT_OUTER).where(User.id.in_(employees))
    else:
        users = (
            User.select(User, Unit)
            .join(Unit, JOIN.LEFT_OUTER)
            .where(User.id.in_(list(per_employee)) if per_employee else (User.id == 0))
        )
    result = []
    for user in users.order_by(User.name):
        data = per_employee.get(user.id)
        if data is None and employees is None:
            continue
        data = data or {"n": 0}
        result.append(
            RecapRow(
                employee_id=user.id,
                name=user.name,
                nip=user.nip,
                unit=user.unit.name if user.unit_id else "",
                approved_days=data.get(APPROVED, 0),
                pending_days=data.get(PENDING, 0),
                revision_days=data.get(REVISION, 0),
                rejected_days=data.get(REJECTED, 0),
                submissions=data["n"],
            )
        )
    return result
