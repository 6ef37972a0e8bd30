"""The staged expiry warnings: the daily scan that finds every (permit, lead time) pair due and
writes its warning and its e-mail in one set-based pass."""

import datetime as dt
import uuid
from dataclasses import dataclass

from ...audit.services import record
from ...extensions import db, transaction
from ...models import utcnow
from ...notify.services import is_valid_address
from .. import notifications, settings
from ..bulk import insert_rows
from ..dates import as_date, wib_today
from ..models import (
    OPEN_APPLICATION_STATUSES,
    RENEWAL_KINDS,
    Application,
    Foreigner,
    Permit,
    PermitWarning,
)


def _due_rules(today, rules=None):
    """[(permit type, lead days, lowest expiry, highest expiry)] for the scan of ``today``.

    A permit is due for the stage of lead time L when its days left lie in (L', L], L' being the
    next shorter lead time of its type: a scan missed yesterday catches up, and a stage already
    passed is never sent late. A lead time added after the defaults only covers stages that began
    on or after the day it was added (no back-filling)."""
    windows = []
    rules = settings.lead_rules() if rules is None else rules
    for ptype, entries in rules.items():
        ascending = sorted(entries, key=lambda e: e[0])
        for i, (days, since) in enumerate(ascending):
            shorter = ascending[i - 1][0] if i else -1
            low = today + dt.timedelta(days=shorter + 1)
            if since is not None:
                low = max(low, since + dt.timedelta(days=days))
            high = today + dt.timedelta(days=days)
            if low <= high:
                windows.append((ptype, days, low, high))
    return windows


SCAN_COLUMNS = (
    "p.id, {days} AS lead_days, p.permit_number, p.permit_type, p.expiry_date, f.id, f.name, "
    "f.email, f.language, f.sponsor_email"
)
PAIR_COLUMNS = "p.id, {days} AS lead_days"


def due_sql(today, columns=PAIR_COLUMNS, rules=None):
    """The due (permit, lead time) pairs as one SQL statement: a SELECT per (type, lead time),
    UNION ALL, each an index range on (status, expiry_date); a permit is left out when it was
    issued inside the stage, its foreigner has no e-mail address or an extension or conversion in
    process, or the warning exists. Returns (sql, params); ``columns`` is PAIR_COLUMNS (the
    benchmark's bare query) or SCAN_COLUMNS (what the e-mails need)."""
    param = db.param
    permit, foreigner = Permit._meta.table_name, Foreigner._meta.table_name
    warning, application = PermitWarning._meta.table_name, Application._meta.table_name
    kinds = ", ".join([param] * len(RENEWAL_KINDS))
    states = ", ".join([param] * len(OPEN_APPLICATION_STATUSES))
    branches, params = [], []
    for ptype, days, low, high in _due_rules(today, rules):
        branches.append(
            f"SELECT {columns.format(days=int(days))} "
            f'FROM "{permit}" AS p JOIN "{foreigner}" AS f ON f.id = p.foreigner_id '
            f"WHERE p.status = {param} AND p.expiry_date >= {param} "
            f"AND p.expiry_date <= {param} AND p.permit_type = {param} "
            f"AND p.duration_days > {param} AND f.email <> '' "
            f'AND NOT EXISTS (SELECT 1 FROM "{warning}" AS w '
            f"WHERE w.permit_id = p.id AND w.lead_days = {param}) "
            f'AND NOT EXISTS (SELECT 1 FROM "{application}" AS a '
            f"WHERE a.foreigner_id = p.foreigner_id AND a.kind IN ({kinds}) "
            f"AND a.status IN ({states}))"
        )
        params += [
            "active",
            low.isoformat(),
            high.isoformat(),
            ptype,
            days,
            days,
            *RENEWAL_KINDS,
            *OPEN_APPLICATION_STATUSES,
        ]
    return " UNION ALL ".join(branches), params


@dataclass(frozen=True)
class ScanResult:
    scan_date: dt.date
    due: int  # (permit, lead time) pairs the scan found due
    queued: int  # e-mails written to the outbox (a concurrent scan's keys are not written twice)
    batch: str


def run_permit_scan(today=None):
    """The daily scan: select every due (permit, lead time) pair with one set-based statement
    (``due_sql``), record the warnings and bulk-write their outbox rows in one transaction.
    Running it twice changes nothing: the second finds no pair without a warning."""
    today = today or wib_today()
    batch = uuid.uuid4().hex
    with transaction():
        snap = settings.snapshot()
        sql, params = due_sql(today, SCAN_COLUMNS, snap.lead_rules)
        # A raw cursor: thousands of plain tuples, without building a model row for each.
        rows = list(db.execute_sql(sql, params).fetchall()) if sql else []
        # A malformed address gets no warning row, so the stage is still sent (while it lasts)
        # once the address is corrected.
        rows = [r for r in rows if is_valid_address(r[7])]
        queued = 0
        if rows:
            now = utcnow()
            insert_rows(
                PermitWarning,
                ["permit", "lead_days", "days_left", "scan_date", "batch", "created_at"],
                [(r[0], r[1], (as_date(r[4]) - today).days, today, batch, now) for r in rows],
            )
            queued = notifications.queue_permit_warnings(rows, today, snap)
        record(
            "owl.permit_scan",
            object_type="System",
            detail={"date": today.isoformat(), "due": len(rows), "queued": queued},
        )
    return ScanResult(today, len(rows), queued, batch)
