"""The reads of Si Owl's list pages: filters, keyset cursors and counts, one function per page.
Views call them and present what they return; nothing here writes.

Each list page asks for one row more than it shows (``PAGE_SIZE + 1``): the extra row only says
that there is a next page.
"""

import datetime as dt

from peewee import fn

from ..extensions import db
from ..people.models import User
from .models import (
    OPEN_APPLICATION_STATUSES,
    Application,
    Disruption,
    Foreigner,
    OverstayCase,
    OverstayDigest,
    Permit,
    PermitWarning,
    normalize_number,
    normalize_passport,
)

PAGE_SIZE = 50


# ----- overview ----------------------------------------------------------------------------------


def registry_overview(today, officer_id):
    """The overview's registry figures: permits expiring soon, applications waiting or in
    process (``mine``: by ``officer_id``), warnings sent today."""
    figures = {}
    active = Permit.select().where(Permit.status == "active")
    figures["expiring_30"] = active.where(
        Permit.expiry_date.between(today, today + dt.timedelta(days=30))
    ).count()
    figures["expiring_60"] = active.where(
        Permit.expiry_date.between(today, today + dt.timedelta(days=60))
    ).count()
    figures["received"] = Application.select().where(Application.status == "received").count()
    figures["in_process"] = Application.select().where(Application.status == "in_process").count()
    figures["mine"] = (
        Application.select()
        .where((Application.status == "in_process") & (Application.officer == officer_id))
        .count()
    )
    figures["warnings_today"] = (
        PermitWarning.select().where(PermitWarning.scan_date == today).count()
    )
    return figures


def overstay_overview(today):
    """The overview's overstay figures: open cases, escalated ones, new today, the last digest."""
    figures = {}
    open_cases = OverstayCase.select().where(OverstayCase.status == "open")
    figures["overstay_open"] = open_cases.count()
    figures["overstay_escalated"] = open_cases.where(
        OverstayCase.escalated_on.is_null(False)
    ).count()
    figures["overstay_new_today"] = open_cases.where(OverstayCase.opened_on == today).count()
    figures["last_digest"] = OverstayDigest.select().order_by(OverstayDigest.id.desc()).first()
    return figures


# ----- permits -----------------------------------------------------------------------------------

PERMIT_LIST_SQL = (
    "SELECT p.id, p.permit_type, p.permit_number, p.expiry_date, p.status, p.cancel_reason, "
    'f.id, f.name, f.nationality FROM "{permit}" AS p JOIN "{foreigner}" AS f '
    "ON f.id = p.foreigner_id WHERE {where} "
    "ORDER BY p.expiry_date {order}, p.id {order} LIMIT {limit}"
)


def permit_page(today, state, ptype, q, cursor):
    """One page of the permit list: plain SQL on the (status, expiry_date, id) index with a
    keyset cursor, so the millionth row costs what the first does (no OFFSET, no COUNT).
    Rows are tuples (permit id, type, number, expiry, status, cancel reason, foreigner id,
    name, nationality)."""
    param = db.param
    where, params = [], []
    descending = state in ("expired", "replaced", "cancelled")
    if q:
        descending = True
        key = normalize_number(q)
        match = [f"p.permit_number = {param}", f"p.registration_number = {param}"]
        params += [key, key]
        passport_ids = [
            f.id
            for f in Foreigner.select(Foreigner.id)
            .where(Foreigner.passport_key == normalize_passport(q))
            .limit(20)
        ]
        if passport_ids:
            match.append("p.foreigner_id IN (" + ", ".join([param] * len(passport_ids)) + ")")
            params += passport_ids
        where.append("(" + " OR ".join(match) + ")")
    else:
        where.append(f"p.status = {param}")
        params.append(
            "active" if state in ("valid", "expiring_30", "expiring", "expired") else state
        )
        if state == "valid":
            where.append(f"p.expiry_date >= {param}")
            params.append(today.isoformat())
        elif state in ("expiring_30", "expiring"):
            days = 30 if state == "expiring_30" else 60  # the overview's two figures
            where.append(f"p.expiry_date >= {param} AND p.expiry_date <= {param}")
            params += [today.isoformat(), (today + dt.timedelta(days=days)).isoformat()]
        elif state == "expired":
            where.append(f"p.expiry_date < {param}")
            params.append(today.isoformat())
    if ptype:
        where.append(f"p.permit_type = {param}")
        params.append(ptype)
    if cursor:
        day, ident = cursor
        op = "<" if descending else ">"
        where.append(
            f"p.expiry_date {op}= {param} AND (p.expiry_date {op} {param} OR p.id {op} {param})"
        )
        params += [day.isoformat(), day.isoformat(), ident]
    sql = PERMIT_LIST_SQL.format(
        permit=Permit._meta.table_name,
        foreigner=Foreigner._meta.table_name,
        where=" AND ".join(where),
        order="DESC" if descending else "ASC",
        limit=PAGE_SIZE + 1,
    )
    return list(db.execute_sql(sql, params).fetchall())


# ----- foreigners --------------------------------------------------------------------------------


def foreigner_page(q, nationality, before):
    """Foreigners, newest first, matching ``q`` (a name, a passport number or an e-mail address)
    and ``nationality``, below the id ``before``."""
    query = Foreigner.select().order_by(Foreigner.id.desc())
    if q:
        key = normalize_passport(q)
        cond = fn.LOWER(Foreigner.name).contains(q.lower())
        if key:
            cond = cond | (Foreigner.passport_key == key)
        if "@" in q:
            cond = cond | (Foreigner.email == q.lower())
        query = query.where(cond)
    if nationality:
        query = query.where(Foreigner.nationality == nationality)
    if before:
        query = query.where(Foreigner.id < before)
    return list(query.limit(PAGE_SIZE + 1))


def latest_permits(foreigners):
    """{foreigner id: their latest permit (by issue date)} for these foreigners."""
    permits = {}
    if foreigners:
        rows = (
            Permit.select()
            .where(Permit.foreigner.in_([f.id for f in foreigners]))
            .order_by(Permit.issue_date, Permit.id)
        )
        for p in rows:
            permits[p.foreigner_id] = p  # the latest wins
    return permits


# ----- applications ------------------------------------------------------------------------------

APPLICATION_FILTERS = (
    "open",
    "received",
    "in_process",
    "mine",
    "overdue",
    "completed",
    "rejected",
    "all",
)


def application_page(status, before, officer_id, overdue_from=None):
    """Applications with their foreigner, newest first, in one of ``APPLICATION_FILTERS``
    (``mine``: the open ones of ``officer_id``; ``overdue``: the open ones received on or before
    ``overdue_from``, past the service standard), below the id ``before``."""
    query = (
        Application.select(Application, Foreigner)
        .join(Foreigner, on=(Application.foreigner == Foreigner.id))
        .order_by(Application.id.desc())
    )
    if status == "open":
        query = query.where(Application.status.in_(OPEN_APPLICATION_STATUSES))
    elif status == "overdue":
        query = query.where(
            Application.status.in_(OPEN_APPLICATION_STATUSES)
            & (Application.received_on <= overdue_from)
        )
    elif status == "mine":
        query = query.where(
            (Application.officer == officer_id) & Application.status.in_(OPEN_APPLICATION_STATUSES)
        )
    elif status != "all":
        query = query.where(Application.status == status)
    if before:
        query = query.where(Application.id < before)
    return list(query.limit(PAGE_SIZE + 1))


def officer_names(applications):
    """{user id: name} of the officers of these applications."""
    ids = {a.officer_id for a in applications if a.officer_id}
    if not ids:
        return {}
    return {u.id: u.name for u in User.select(User.id, User.name).where(User.id.in_(ids))}


# ----- overstay ----------------------------------------------------------------------------------

OVERSTAY_SHOWS = ("open", "escalated", "closed")


def overstay_page(show, nationality, page, since=None):
    """Overstay cases with their permit and foreigner: open ones by expiry (``escalated``: past
    the threshold), or closed ones, newest first; page ``page``; only those opened after
    ``since`` (naive UTC) when given (Beranda's "new since your last visit")."""
    query = (
        OverstayCase.select(OverstayCase, Permit, Foreigner)
        .join(Permit, on=(OverstayCase.permit == Permit.id))
        .switch(OverstayCase)
        .join(Foreigner, on=(OverstayCase.foreigner == Foreigner.id))
    )
    if show == "closed":
        query = query.where(OverstayCase.status == "closed").order_by(
            OverstayCase.closed_on.desc(), OverstayCase.id.desc()
        )
    else:
        query = query.where(OverstayCase.status == "open").order_by(
            OverstayCase.expiry_date, OverstayCase.id
        )
        if show == "escalated":
            query = query.where(OverstayCase.escalated_on.is_null(False))
    if nationality:
        query = query.where(Foreigner.nationality == nationality)
    if since is not None:
        query = query.where(OverstayCase.created_at > since)
    return list(query.paginate(page, PAGE_SIZE + 1))


# ----- disruption notices ------------------------------------------------------------------------


def recent_disruptions():
    """The latest hundred notices, newest first."""
    return list(Disruption.select().order_by(Disruption.starts_at.desc()).limit(100))
