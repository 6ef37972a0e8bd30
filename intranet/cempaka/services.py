"""Si Cempaka's operations: submit, resubmit, decide, digest, recap and the retention sweep.

Each state change happens in one transaction together with its audit entry and its e-mail
(outbox row); files are written before the transaction and removed again if it fails.
"""

import datetime as dt
import logging
import math
from collections import namedtuple
from dataclasses import dataclass

from flask_babel import lazy_gettext as _
from peewee import JOIN, DateField, DateTimeField, fn

from ..audit.services import record
from ..core.filters import WIB
from ..extensions import db, transaction
from ..models import utcnow
from ..people.models import Unit, User
from ..policy import is_direct_supervisor
from . import settings as cset
from . import uploads
from .models import (
    APPROVED,
    FLAG_FAR,
    FLAG_LOW_ACCURACY,
    FLAG_NO_LOCATION,
    FLAG_NO_PLACE,
    FLAG_OUTSIDE_HOURS,
    FLAG_REUSED_COORDS,
    FLAG_REUSED_FILE,
    LOC_MISSING,
    LOC_OK,
    LOCATION_STATUSES,
    PENDING,
    REJECTED,
    REVISION,
    STATUSES,
    WITHDRAWN,
    Review,
    Submission,
    SubmissionFile,
    SubmissionVersion,
)
from .notifications import queue_decision_email, queue_digest_email

log = logging.getLogger(__name__)

EARTH_RADIUS_M = 6_371_008.8
DECISIONS = (APPROVED, REVISION, REJECTED)
FLAG_NAMES = {
    FLAG_NO_LOCATION: "no_location",
    FLAG_LOW_ACCURACY: "low_accuracy",
    FLAG_FAR: "far",
    FLAG_OUTSIDE_HOURS: "outside_hours",
    FLAG_REUSED_COORDS: "reused_coords",
    FLAG_REUSED_FILE: "reused_file",
    FLAG_NO_PLACE: "no_place",
}


class CempakaError(Exception):
    """A refused operation; ``message`` is shown to the user."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


class LocationRequired(CempakaError):
    pass


class AlreadyDecided(CempakaError):
    pass


class FlaggedNeedsNote(CempakaError):
    """Approving a flagged deliverable takes a note saying why."""


# ----- location --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Location:
    status: str
    lat: float | None = None
    lon: float | None = None
    accuracy_m: float | None = None
    device_time: dt.datetime | None = None

    @property
    def ok(self):
        return self.status == LOC_OK


def _finite(text):
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def parse_location(status, lat, lon, accuracy, device_ms):
    """The browser's answer as sent by static/js/cempaka.js. Coordinates are kept only with the
    status "ok" and only when they are well-formed: never guessed, never taken from elsewhere."""
    status = (status or "").strip().lower()
    if status not in LOCATION_STATUSES:
        status = LOC_MISSING
    if status != LOC_OK:
        return Location(status=status)
    lat_v, lon_v, acc_v = _finite(lat), _finite(lon), _finite(accuracy)
    valid = (
        lat_v is not None
        and -90 <= lat_v <= 90
        and lon_v is not None
        and -180 <= lon_v <= 180
        and acc_v is not None
        and 0 <= acc_v <= 1_000_000
    )
    if not valid:
        raise CempakaError(
            _("The location sent by the browser is not valid. Reload the page and submit again."),
            field="location",
        )
    device_time = None
    ms = _finite(device_ms)
    if ms is not None and 0 < ms < 32503680000000:  # before year 3000
        device_time = dt.datetime.fromtimestamp(ms / 1000, dt.UTC).replace(tzinfo=None)
    return Location(status=LOC_OK, lat=lat_v, lon=lon_v, accuracy_m=acc_v, device_time=device_time)


def haversine_m(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def outside_working_hours(moment_utc, settings):
    local = moment_utc.replace(tzinfo=dt.UTC).astimezone(WIB)
    window = settings.working_window(local.date())
    if window is None:
        return True
    start, end = window
    return not (start <= local.time().replace(tzinfo=None) < end)


def flag_names(flags):
    return [name for bit, name in FLAG_NAMES.items() if flags & bit]


def compute_flags(
    employee, location, work_date, submitted_at, checked_files, settings, submission_id=None
):
    """(flags, distance_m, place) for a version about to be stored."""
    flags = 0
    place = None
    distance = None
    if employee.wfh_lat is not None and employee.wfh_lon is not None:
        place = (employee.wfh_lat, employee.wfh_lon)
    else:
        flags |= FLAG_NO_PLACE
    if not location.ok:
        flags |= FLAG_NO_LOCATION
    else:
        if location.accuracy_m > settings.accuracy_max_m:
            flags |= FLAG_LOW_ACCURACY
        if place is not None:
            distance = haversine_m(place[0], place[1], location.lat, location.lon)
            if distance > settings.radius_m:
                flags |= FLAG_FAR
        if _coordinates_reused(employee, location, work_date, submission_id):
            flags |= FLAG_REUSED_COORDS
    if outside_working_hours(submitted_at, settings):
        flags |= FLAG_OUTSIDE_HOURS
    if _files_reused(checked_files, submission_id):
        flags |= FLAG_REUSED_FILE
    return flags, distance, place


def _coordinates_reused(employee, location, work_date, submission_id):
    other = (Submission.employee != employee.id) | (Submission.work_date != work_date)
    query = Submission.select(Submission.id).where(
        (Submission.lat == location.lat),
        (Submission.lon == location.lon),
        (Submission.coords_coarse == False),  # noqa: E712
        other,
    )
    if submission_id is not None:
        query = query.where(Submission.id != submission_id)
    if query.exists():
        return True
    older = (
        SubmissionVersion.select(SubmissionVersion.id)
        .join(Submission, on=(SubmissionVersion.submission == Submission.id))
        .where(
            (SubmissionVersion.lat == location.lat),
            (SubmissionVersion.lon == location.lon),
            (SubmissionVersion.coords_coarse == False),  # noqa: E712
            (Submission.employee != employee.id) | (SubmissionVersion.work_date != work_date),
        )
    )
    if submission_id is not None:
        older = older.where(SubmissionVersion.submission != submission_id)
    return older.exists()


def _files_reused(checked_files, submission_id):
    hashes = sorted(
        {cf.upload_sha256 for cf in checked_files} | {cf.sha256 for cf in checked_files}
    )
    if not hashes:
        return False
    query = (
        SubmissionFile.select(SubmissionFile.id)
        .join(Submission, on=(SubmissionFile.submission == Submission.id))
        .where(
            (SubmissionFile.upload_sha256.in_(hashes) | SubmissionFile.sha256.in_(hashes))
            & (Submission.status != WITHDRAWN)  # a withdrawn deliverable was never counted
        )
    )
    if submission_id is not None:
        query = query.where(SubmissionFile.submission != submission_id)
    return query.exists()


# ----- submit and resubmit ---------------------------------------------------------------------


def today_wib(now=None):
    now = now or utcnow()
    return now.replace(tzinfo=dt.UTC).astimezone(WIB).date()


def check_work_date(work_date, settings, now=None):
    today = today_wib(now)
    if work_date > today:
        raise CempakaError(_("The work date cannot be in the future."), field="work_date")
    earliest = today - dt.timedelta(days=settings.max_backdate_days)
    if work_date < earliest:
        raise CempakaError(
            _("The work date can be at most %(n)d days back.", n=settings.max_backdate_days),
            field="work_date",
        )


def _require_location(employee, location, settings):
    if not location.ok and cset.missing_location_policy(employee, settings) == "block":
        raise LocationRequired(
            _(
                "Your location is required to submit a deliverable. Allow location access for "
                "this site in your browser, then submit again."
            ),
            field="location",
        )


def _file_rows(submission_id, version, checked, stored_names, now):
    return [
        {
            "submission": submission_id,
            "version": version,
            "original_name": cf.original_name,
            "stored_name": stored,
            "kind": cf.kind,
            "content_type": cf.content_type,
            "size": cf.size,
            "sha256": cf.sha256,
            "upload_sha256": cf.upload_sha256,
            "created_at": now,
        }
        for cf, stored in zip(checked, stored_names, strict=True)
    ]


def _location_fields(location, place, distance, flags):
    return {
        "location_status": location.status,
        "lat": location.lat,
        "lon": location.lon,
        "accuracy_m": location.accuracy_m,
        "device_time": location.device_time,
        "place_lat": place[0] if place else None,
        "place_lon": place[1] if place else None,
        "distance_m": distance,
        "coords_coarse": False,
        "flags": flags,
    }


def submit(employee, *, title, description, work_date, files, location, now=None):
    """Store a new deliverable. ``files`` are CheckedFile (uploads.check_uploads)."""
    now = now or utcnow()
    settings = cset.load()
    check_work_date(work_date, settings, now)
    if not files:
        raise CempakaError(_("Attach at least one file."), field="files")
    _require_location(employee, location, settings)
    stored = uploads.store(files)
    try:
        with transaction():
            flags, distance, place = compute_flags(
                employee, location, work_date, now, files, settings
            )
            submission = Submission.create(
                employee=employee.id,
                work_date=work_date,
                title=title,
                description=description,
                status=PENDING,
                version=1,
                submitted_at=now,
                created_at=now,
                file_count=len(files),
                **_location_fields(location, place, distance, flags),
            )
            SubmissionFile.insert_many(_file_rows(submission.id, 1, files, stored, now)).execute()
            record(
                "cempaka.submitted",
                submission,
                actor=employee,
                detail={
                    "version": 1,
                    "files": len(files),
                    "location": location.status,
                    "flags": flag_names(flags),
                },
            )
    except BaseException:
        uploads.remove(stored)
        raise
    return submission


def resubmit(submission, employee, *, title, description, files, keep_files, location, now=None):
    """A new version of a deliverable sent back for revision; the old one is kept."""
    now = now or utcnow()
    if submission.employee_id != employee.id:
        raise CempakaError(_("Only the employee who submitted it can revise this deliverable."))
    if submission.status != REVISION:
        raise CempakaError(_("This deliverable is not waiting for a revision."))
    settings = cset.load()
    kept = []
    if keep_files:
        kept = list(
            SubmissionFile.select()
            .where(
                (SubmissionFile.submission == submission.id)
                & (SubmissionFile.version == submission.version)
            )
            .order_by(SubmissionFile.id)
        )
    if len(kept) + len(files) > settings.max_files:
        raise CempakaError(
            _("At most %(n)d files can be attached to one deliverable.", n=settings.max_files),
            field="files",
        )
    if sum(f.size for f in kept) + sum(f.size for f in files) > settings.max_total_bytes:
        raise CempakaError(
            _(
                "The files together are larger than %(limit)s MB, the limit per deliverable.",
                limit=uploads._mb(settings.max_total_bytes),
            ),
            field="files",
        )
    if not kept and not files:
        raise CempakaError(_("Attach at least one file."), field="files")
    _require_location(employee, location, settings)
    stored = uploads.store(files)
    try:
        with transaction():
            old_version = submission.version
            new_version = old_version + 1
            flags, distance, place = compute_flags(
                employee,
                location,
                submission.work_date,
                now,
                files,
                settings,
                submission_id=submission.id,
            )
            updated = (
                Submission.update(
                    title=title,
                    description=description,
                    status=PENDING,
                    version=new_version,
                    submitted_at=now,
                    file_count=len(kept) + len(files),
                    decided_at=None,
                    decided_by=None,
                    decision_comment="",
                    **_location_fields(location, place, distance, flags),
                )
                .where(
                    (Submission.id == submission.id)
                    & (Submission.status == REVISION)
                    & (Submission.version == old_version)
                )
                .execute()
            )
            if not updated:
                raise CempakaError(_("This deliverable was changed meanwhile. Reload the page."))
            SubmissionVersion.create(
                submission=submission.id,
                version=old_version,
                work_date=submission.work_date,
                title=submission.title,
                description=submission.description,
                submitted_at=submission.submitted_at,
                location_status=submission.location_status,
                lat=submission.lat,
                lon=submission.lon,
                accuracy_m=submission.accuracy_m,
                device_time=submission.device_time,
                place_lat=submission.place_lat,
                place_lon=submission.place_lon,
                distance_m=submission.distance_m,
                coords_coarse=submission.coords_coarse,
                flags=submission.flags,
            )
            rows = [
                {
                    "submission": submission.id,
                    "version": new_version,
                    "original_name": f.original_name,
                    "stored_name": f.stored_name,
                    "kind": f.kind,
                    "content_type": f.content_type,
                    "size": f.size,
                    "sha256": f.sha256,
                    "upload_sha256": f.upload_sha256,
                    "created_at": now,
                }
                for f in kept
            ]
            rows += _file_rows(submission.id, new_version, files, stored, now)
            SubmissionFile.insert_many(rows).execute()
            record(
                "cempaka.resubmitted",
                submission,
                actor=employee,
                detail={
                    "version": new_version,
                    "files": len(rows),
                    "kept_files": len(kept),
                    "location": location.status,
                    "flags": flag_names(flags),
                },
            )
    except BaseException:
        uploads.remove(stored)
        raise
    return Submission.get_by_id(submission.id)


# ----- review ----------------------------------------------------------------------------------


def can_review(user, submission, employee=None):
    """The employee's direct supervisor reviews their deliverables, whatever the supervisor's
    roles (the head of office reviews the section heads reporting to her)."""
    employee = employee or submission.employee
    return is_direct_supervisor(user, employee)


def can_view(user, submission, employee=None):
    """Who sees a deliverable, its files and its coordinates (DESIGN §3 privacy)."""
    if user.id == submission.employee_id:
        return True
    if user.has_role("kepala", "admin"):
        return True
    employee = employee or submission.employee
    return is_direct_supervisor(user, employee)


def decide(submission, reviewer, decision, comment="", now=None):
    """Approve, ask a revision of, or reject a pending deliverable of a direct report."""
    now = now or utcnow()
    comment = (comment or "").strip()
    if decision not in DECISIONS:
        raise CempakaError(_("Choose approve, request revision or reject."), field="decision")
    employee = User.get_by_id(submission.employee_id)
    if not can_review(reviewer, submission, employee):
        raise CempakaError(_("Only the employee's direct supervisor can decide."))
    if decision == APPROVED and submission.flags and len(comment) < 3:
        raise FlaggedNeedsNote(
            _("This deliverable is flagged: write a note saying why you approve it."),
            field="comment",
        )
    if decision in (REVISION, REJECTED) and len(comment) < 3:
        raise CempakaError(
            _("Write a comment so the employee knows what to change.")
            if decision == REVISION
            else _("Write a comment explaining the rejection."),
            field="comment",
        )
    if len(comment) > 2000:
        raise CempakaError(_("The comment is too long (at most 2000 characters)."), field="comment")
    with transaction():
        updated = (
            Submission.update(
                status=decision, decided_at=now, decided_by=reviewer.id, decision_comment=comment
            )
            .where(
                (Submission.id == submission.id)
                & (Submission.status == PENDING)
                & (Submission.version == submission.version)
            )
            .execute()
        )
        if not updated:
            raise AlreadyDecided(_("This deliverable was already decided or changed meanwhile."))
        review = Review.create(
            submission=submission.id,
            version=submission.version,
            reviewer=reviewer.id,
            decision=decision,
            comment=comment,
            decided_at=now,
        )
        record(
            "cempaka.decided",
            submission,
            actor=reviewer,
            detail={
                "decision": decision,
                "version": submission.version,
                "commented": bool(comment),
            },
        )
        fresh = Submission.get_by_id(submission.id)
        queue_decision_email(fresh, employee, reviewer, review)
    return fresh


BulkApproval = namedtuple("BulkApproval", ["approved", "flagged", "skipped"])


def bulk_approve(reviewer, ids, now=None):
    """Approve the given pending deliverables of direct reports. Flagged ones are refused, not
    approved (each needs a note, given one by one). Returns BulkApproval: the approved
    submissions, the flagged ones refused, and how many others were skipped (decided already,
    or not the reviewer's direct reports')."""
    now = now or utcnow()
    wanted = sorted({int(i) for i in ids})[:500]
    if not wanted:
        return BulkApproval([], [], 0)
    candidates = list(
        Submission.select(Submission)
        .join(User, on=(Submission.employee == User.id))
        .where(
            Submission.id.in_(wanted),
            Submission.status == PENDING,
            User.supervisor == reviewer.id,
        )
        .order_by(Submission.id)
    )
    flagged = [s for s in candidates if s.flags]
    approved = []
    with transaction():
        for submission in candidates:
            if submission.flags:
                continue
            try:
                approved.append(decide(submission, reviewer, APPROVED, "", now=now))
            except AlreadyDecided:
                continue
    return BulkApproval(approved, flagged, len(wanted) - len(approved) - len(flagged))


def withdraw(submission, employee, now=None):
    """The author takes back a deliverable still waiting for review (it leaves the queue; it is
    kept, with its files, as withdrawn)."""
    now = now or utcnow()
    if submission.employee_id != employee.id:
        raise CempakaError(_("Only the employee who submitted it can withdraw this deliverable."))
    if submission.status != PENDING:
        raise CempakaError(_("Only a deliverable waiting for review can be withdrawn."))
    with transaction():
        updated = (
            Submission.update(
                status=WITHDRAWN, decided_at=now, decided_by=employee.id, decision_comment=""
            )
            .where(
                (Submission.id == submission.id)
                & (Submission.status == PENDING)
                & (Submission.version == submission.version)
            )
            .execute()
        )
        if not updated:
            raise AlreadyDecided(_("This deliverable was already decided or changed meanwhile."))
        record(
            "cempaka.withdrawn",
            submission,
            actor=employee,
            detail={"version": submission.version},
        )
    return Submission.get_by_id(submission.id)


# ----- queries for the pages -------------------------------------------------------------------


def reports_of(supervisor):
    return User.select(User.id).where(User.supervisor == supervisor.id)


def search_pattern(text):
    """A LIKE pattern for free text (wildcards typed by the user are dropped: SQLite and
    PostgreSQL do not agree on an escape character)."""
    cleaned = "".join(ch for ch in text.lower() if ch not in "%_\\")
    return f"%{cleaned.strip()}%"


@dataclass
class QueueFilters:
    employee_id: int | None = None
    status: str = ""  # "" = every status, pending first
    flag: int = 0  # a FLAG_* bit, -1 = without flags
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""


def _filtered(query, f, employees):
    if f.employee_id:
        query = query.where(Submission.employee == f.employee_id)
    if f.flag == -1:
        query = query.where(Submission.flags == 0)
    elif f.flag:
        query = query.where(Submission.flags.bin_and(f.flag) != 0)
    if f.date_from:
        query = query.where(Submission.work_date >= f.date_from)
    if f.date_to:
        query = query.where(Submission.work_date <= f.date_to)
    if f.q:
        like = search_pattern(f.q)
        names = employees.where(fn.LOWER(User.name) ** like)
        query = query.where((fn.LOWER(Submission.title) ** like) | Submission.employee.in_(names))
    return query


# The columns a list row shows: light tuples rather than models, and never the coordinates.
LIST_COLUMNS = (
    Submission.id,
    Submission.employee.alias("employee_id"),
    Submission.title,
    Submission.work_date,
    Submission.submitted_at,
    Submission.version,
    Submission.status,
    Submission.flags,
    Submission.file_count,
    Submission.location_status,
    Submission.accuracy_m,
    Submission.distance_m,
    Submission.decision_comment,
    Submission.decided_at,
)
_first_file = SubmissionFile.alias("first_file")


def _first_file_column(column, alias):
    """The current version's first file (id or name), in the row's own query."""
    return (
        _first_file.select(column)
        .where(
            (_first_file.submission == Submission.id) & (_first_file.version == Submission.version)
        )
        .order_by(_first_file.id)
        .limit(1)
        .alias(alias)
    )


QUEUE_COLUMNS = (
    *LIST_COLUMNS,
    User.name.alias("employee_name"),
    _first_file_column(_first_file.id, "file_id"),
    _first_file_column(_first_file.original_name, "file_name"),
)


def _row_type(name, columns):
    """A namedtuple class for a fixed column list (peewee's .namedtuples() builds a new class
    for every query, which costs more than the query on these pages)."""
    return namedtuple(name, [getattr(c, "_alias", None) or c.name for c in columns])


TOTAL_COLUMN = fn.COUNT(Submission.id).over().alias("total")
ListRow = _row_type("ListRow", LIST_COLUMNS)
QueueRow = _row_type("QueueRow", QUEUE_COLUMNS)
QueueRowTotal = _row_type("QueueRowTotal", (*QUEUE_COLUMNS, TOTAL_COLUMN))
StatusCount = namedtuple("StatusCount", ["status", "n"])


def _fetch(query, row_type):
    return [row_type._make(t) for t in query.tuples()]


def _converter(column):
    """The conversion a column's raw value needs: only dates and timestamps (SQLite hands them
    back as ISO text; numbers and text come back as Python values from both drivers)."""
    node = getattr(column, "node", column)  # an alias names a field
    if isinstance(node, DateField | DateTimeField):
        return node.python_value
    return None


class CompiledQueries:
    """The SQL of the hot list queries, written once per shape and database: peewee spends
    longer writing these queries than the database spends running them. Only integer
    parameters vary (ids, limit, offset); the builder is called once with sentinel values to
    find where they go in the parameter list."""

    def __init__(self):
        self._entries = {}

    def fetch(self, shape, build, row_type, **ints):
        key = (shape, type(db.obj))
        entry = self._entries.get(key)
        if entry is None:
            sentinels = {name: -(1_000_000_007 + i) for i, name in enumerate(sorted(ints))}
            query = build(**sentinels)
            sql, params = query.sql()
            names = {value: name for name, value in sentinels.items()}
            slots = [(names.get(p) if isinstance(p, int) else None, p) for p in params]
            if sorted(n for n, _p in slots if n) != sorted(ints):
                return _fetch(build(**ints), row_type)  # a shape we cannot cache
            converters = [_converter(c) for c in query._returning]
            entry = self._entries[key] = (sql, slots, converters)
        sql, slots, converters = entry
        params = [ints[name] if name else value for name, value in slots]
        rows = db.execute_sql(sql, params).fetchall()
        columns = [(i, c) for i, c in enumerate(converters) if c is not None]
        if not columns:
            return [row_type._make(r) for r in rows]
        seen = [{} for _c in columns]  # a page repeats its dates
        out = []
        for r in rows:
            r = list(r)
            for (i, convert), known in zip(columns, seen, strict=True):
                value = r[i]
                if isinstance(value, str):
                    done = known.get(value)
                    if done is None:
                        done = known[value] = convert(value)
                    r[i] = done
            out.append(row_type._make(r))
        return out


compiled = CompiledQueries()


def _rows(query, offset, limit, newest_first, with_total=False):
    order = (
        (Submission.work_date.desc(), Submission.id.desc())
        if newest_first
        else (Submission.work_date, Submission.id)
    )
    columns, row_type = QUEUE_COLUMNS, QueueRow
    if with_total:  # the number of matching rows, in the same query
        columns, row_type = (*columns, TOTAL_COLUMN), QueueRowTotal
    return _fetch(
        query.select(*columns)
        .join(User, on=(Submission.employee == User.id))
        .order_by(*order)
        .offset(offset)
        .limit(limit),
        row_type,
    )


def queue_row(submission_id):
    """One queue row (after an inline decision)."""
    rows = _fetch(
        Submission.select(*QUEUE_COLUMNS)
        .join(User, on=(Submission.employee == User.id))
        .where(Submission.id == submission_id),
        QueueRow,
    )
    return rows[0] if rows else None


def review_queue(supervisor, filters, page=1, per_page=20):
    """Rows for a supervisor's queue: direct reports only, pending first (oldest work first),
    then the decided ones (newest first). Returns (rows, pending_count, has_next).

    Only the pending rows are counted (a few hundred at most); the decided history is paged
    with a look-ahead row, never counted."""
    offset = (page - 1) * per_page
    if filters == QueueFilters():  # the usual view: prepared SQL
        return _default_queue(supervisor.id, offset, per_page)
    base = Submission.select(Submission.id).where(Submission.employee.in_(reports_of(supervisor)))
    base = _filtered(base, filters, reports_of(supervisor))
    if filters.status:
        rows = _rows(
            base.where(Submission.status == filters.status),
            offset,
            per_page + 1,
            newest_first=filters.status != PENDING,
        )
        pending_count = None
    else:
        pending_q = base.where(Submission.status == PENDING)
        rows = _rows(pending_q, offset, per_page + 1, newest_first=False, with_total=True)
        pending_count = rows[0].total if rows else pending_q.count()
        if len(rows) < per_page + 1:
            rest_offset = max(0, offset - pending_count)
            rows += _rows(
                base.where(Submission.status != PENDING),
                rest_offset,
                per_page + 1 - len(rows),
                newest_first=True,
            )
    has_next = len(rows) > per_page
    return rows[:per_page], pending_count, has_next


def _reports_base(supervisor_id):
    return Submission.select(Submission.id).where(
        Submission.employee.in_(User.select(User.id).where(User.supervisor == supervisor_id))
    )


# The unfiltered queue (the page supervisors open most) in plain SQL: the inner query walks the
# (employee, status, work_date) index only, and the rows' columns, the employee's name and the
# current version's first file are fetched for the page's rows alone. The pending rows are
# counted by a scalar subquery over the same index (a few hundred entries; a window COUNT costs
# several times more on SQLite).
_QUEUE_SQL = (
    "SELECT s.id, s.employee_id, s.title, s.work_date, s.submitted_at, s.version, s.status, "
    "s.flags, s.file_count, s.location_status, s.accuracy_m, s.distance_m, s.decision_comment, "
    "s.decided_at, u.name, f.id, f.original_name{total} "
    'FROM (SELECT id, work_date FROM "{sub}" WHERE {mine} AND status {op} {p} '
    "ORDER BY work_date {order}, id {order} LIMIT {p} OFFSET {p}) AS page "
    'JOIN "{sub}" AS s ON s.id = page.id JOIN "{user}" AS u ON u.id = s.employee_id '
    'LEFT JOIN "{file}" AS f ON f.id = (SELECT MIN(ff.id) FROM "{file}" AS ff '
    "WHERE ff.submission_id = s.id AND ff.version = s.version) "
    "ORDER BY page.work_date {order}, page.id {order}"
)
_QUEUE_TOTAL = ', (SELECT COUNT(*) FROM "{sub}" WHERE {mine} AND status = {p})'
_QUEUE_MINE = 'employee_id IN (SELECT id FROM "{user}" WHERE supervisor_id = {p})'
_queue_sql = {}


def _queue_sql_for(kind):
    """The SQL of one part of the queue ("pending" with its count, or "decided"), written once
    per database."""
    key = (kind, db.param)
    sql = _queue_sql.get(key)
    if sql is None:
        names = dict(
            sub=Submission._meta.table_name,
            user=User._meta.table_name,
            file=SubmissionFile._meta.table_name,
            p=db.param,
        )
        names["mine"] = _QUEUE_MINE.format(**names)
        pending = kind == "pending"
        sql = _queue_sql[key] = _QUEUE_SQL.format(
            total=_QUEUE_TOTAL.format(**names) if pending else "",
            op="=" if pending else "<>",
            order="ASC" if pending else "DESC",
            **names,
        )
    return sql


def _date_converters():
    """Converters for the date columns of a queue row (SQLite hands back ISO text), memoised
    per call: a page repeats the same work dates."""
    seen = {}
    date_value = Submission.work_date.python_value
    datetime_value = Submission.submitted_at.python_value

    def as_date(value):
        if value is None or not isinstance(value, str):
            return value
        out = seen.get(value)
        if out is None:
            out = seen[value] = date_value(value)
        return out

    def as_datetime(value):
        if value is None or not isinstance(value, str):
            return value
        return datetime_value(value)

    return as_date, as_datetime


def _queue_part(kind, supervisor_id, limit, offset):
    sql = _queue_sql_for(kind)
    params = [supervisor_id, PENDING, limit, offset]
    if kind == "pending":  # the count's parameters come first (it is in the select list)
        params = [supervisor_id, PENDING, *params]
        row_type = QueueRowTotal
    else:
        row_type = QueueRow
    as_date, as_datetime = _date_converters()
    rows = []
    for r in db.execute_sql(sql, params).fetchall():
        r = list(r)
        r[3], r[4], r[13] = as_date(r[3]), as_datetime(r[4]), as_datetime(r[13])
        rows.append(row_type._make(r))
    return rows


def _default_queue(supervisor_id, offset, per_page):
    """review_queue without filters, on prepared SQL (the page supervisors open most)."""
    rows = _queue_part("pending", supervisor_id, per_page + 1, offset)
    if rows:
        pending_count = rows[0].total
    else:
        pending_count = _reports_base(supervisor_id).where(Submission.status == PENDING).count()
    if len(rows) < per_page + 1:
        rows += _queue_part(
            "decided", supervisor_id, per_page + 1 - len(rows), max(0, offset - pending_count)
        )
    return rows[:per_page], pending_count, len(rows) > per_page


def reports_list(supervisor_id):
    """[(id, name)] of a supervisor's direct reports, by name (the queue's employee filter)."""
    key = ("reports", db.param)
    sql = _queue_sql.get(key)
    if sql is None:
        sql = _queue_sql[key] = (
            f'SELECT id, name FROM "{User._meta.table_name}" WHERE supervisor_id = {db.param} '
            "ORDER BY name, id LIMIT 1000"
        )
    return db.execute_sql(sql, [supervisor_id]).fetchall()


def my_submissions(employee, status="", page=1, per_page=20):
    status = status if status in STATUSES else ""

    def build(employee, limit, offset):
        query = Submission.select(*LIST_COLUMNS).where(Submission.employee == employee)
        if status:
            query = query.where(Submission.status == status)
        return (
            query.order_by(Submission.work_date.desc(), Submission.id.desc())
            .offset(offset)
            .limit(limit)
        )

    rows = compiled.fetch(
        f"mine.{status}",
        build,
        ListRow,
        employee=employee.id,
        limit=per_page + 1,
        offset=(page - 1) * per_page,
    )
    return rows[:per_page], len(rows) > per_page


def status_counts(employee):
    """{status: count} of one employee (index-only over (employee, status, work_date))."""

    def build(employee):
        return (
            Submission.select(Submission.status, fn.COUNT(Submission.id).alias("n"))
            .where(Submission.employee == employee)
            .group_by(Submission.status)
        )

    return dict(compiled.fetch("mine.counts", build, StatusCount, employee=employee.id))


def history(submission):
    """[(version, SubmissionVersion|None for current, files, reviews)] newest first."""
    files = {}
    for f in (
        SubmissionFile.select()
        .where(SubmissionFile.submission == submission.id)
        .order_by(SubmissionFile.id)
    ):
        files.setdefault(f.version, []).append(f)
    reviews = {}
    for r in (
        Review.select(Review, User.name)
        .join(User, JOIN.LEFT_OUTER, on=(Review.reviewer == User.id))
        .where(Review.submission == submission.id)
        .order_by(Review.decided_at)
    ):
        reviews.setdefault(r.version, []).append(r)
    versions = {
        v.version: v
        for v in SubmissionVersion.select().where(SubmissionVersion.submission == submission.id)
    }
    result = [
        (
            submission.version,
            None,
            files.get(submission.version, []),
            reviews.get(submission.version, []),
        )
    ]
    for number in sorted(versions, reverse=True):
        result.append((number, versions[number], files.get(number, []), reviews.get(number, [])))
    return result


def record_location_view(viewer, submission):
    """Audit a view of another person's coordinates (nothing for one's own)."""
    if viewer.id == submission.employee_id:
        return
    if submission.location_status != LOC_OK:
        return
    record(
        "cempaka.location_viewed",
        submission,
        actor=viewer,
        detail={"version": submission.version, "employee_id": submission.employee_id},
    )


def record_file_download(viewer, file):
    submission = Submission.get_by_id(file.submission_id)
    if viewer.id == submission.employee_id:
        return
    record(
        "cempaka.file_downloaded",
        object_type="SubmissionFile",
        object_id=file.id,
        actor=viewer,
        detail={"submission": file.submission_id, "version": file.version},
    )


# ----- recap -----------------------------------------------------------------------------------


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


# ----- periodic work ---------------------------------------------------------------------------


def queue_digests(now=None, max_items=20):
    """Each supervisor with pending deliverables older than a day gets one e-mail per day.
    Idempotent: the outbox key holds the WIB date."""
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=1)
    day = today_wib(now)
    rows = (
        Submission.select(User.supervisor, fn.COUNT(Submission.id), fn.MIN(Submission.submitted_at))
        .join(User, on=(Submission.employee == User.id))
        .where(
            (Submission.status == PENDING)
            & (Submission.submitted_at < cutoff)
            & User.supervisor.is_null(False)
        )
        .group_by(User.supervisor)
        .tuples()
    )
    queued = 0
    for supervisor_id, count, oldest in list(rows):
        sup = (
            User.select()
            .where((User.id == supervisor_id) & (User.is_active == True))  # noqa: E712
            .first()
        )
        if sup is None:
            continue
        items = list(
            Submission.select(Submission, User.name)
            .join(User, on=(Submission.employee == User.id))
            .where(
                (User.supervisor == supervisor_id)
                & (Submission.status == PENDING)
                & (Submission.submitted_at < cutoff)
            )
            .order_by(Submission.submitted_at)
            .limit(max_items)
        )
        try:
            with transaction():
                queue_digest_email(sup, day, count, oldest, items, now)
            queued += 1
        except Exception:  # one bad address must not stop the others
            log.exception("cempaka digest for supervisor %s not queued", supervisor_id)
    return queued


def _round_expr(field, decimals):
    return fn.ROUND(field.cast("numeric"), decimals)


def coarsen_old_locations(now=None, batch=5000):
    """After the retention period, stored coordinates keep only ``coarse_decimals`` decimals
    (the current versions and the kept ones). Idempotent; returns the rows changed."""
    now = now or utcnow()
    settings = cset.load(fresh=True)
    cutoff = now - dt.timedelta(days=settings.retention_days)
    decimals = int(settings.coarse_decimals)
    changed = 0
    for model in (Submission, SubmissionVersion):
        while True:
            ids = [
                r.id
                for r in model.select(model.id)
                .where((model.coords_coarse == False) & (model.submitted_at < cutoff))  # noqa: E712
                .order_by(model.id)
                .limit(batch)
            ]
            if not ids:
                break
            with transaction():
                model.update(
                    lat=_round_expr(model.lat, decimals),
                    lon=_round_expr(model.lon, decimals),
                    place_lat=_round_expr(model.place_lat, decimals),
                    place_lon=_round_expr(model.place_lon, decimals),
                    coords_coarse=True,
                ).where(model.id.in_(ids)).execute()
            changed += len(ids)
    if changed:
        with transaction():
            record(
                "cempaka.coordinates_coarsened",
                object_type="Submission",
                detail={
                    "rows": changed,
                    "decimals": decimals,
                    "retention_days": settings.retention_days,
                },
            )
    return changed


def ensure_connection():
    """For jobs: (opened, ...) - connect when the worker has not."""
    if db.is_closed():
        db.connect()
        return True
    return False
