"""Si Cempaka's deliverables as their authors send them: submit, resubmit a revision, withdraw;
and the flags computed when a version is stored (the ones that compare with other deliverables).

Each state change happens in one transaction together with its audit entry; files are written
before the transaction and removed again if it fails.
"""

from flask_babel import lazy_gettext as _

from ..audit.services import record
from ..extensions import transaction
from ..models import utcnow
from . import settings as cset
from . import uploads
from .errors import AlreadyDecided, CempakaError, LocationRequired
from .location import check_work_date, flag_names, haversine_m, outside_working_hours
from .models import (
    FLAG_FAR,
    FLAG_LOW_ACCURACY,
    FLAG_NO_LOCATION,
    FLAG_NO_PLACE,
    FLAG_OUTSIDE_HOURS,
    FLAG_REUSED_COORDS,
    FLAG_REUSED_FILE,
    PENDING,
    REVISION,
    WITHDRAWN,
    Submission,
    SubmissionFile,
    SubmissionVersion,
)


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


def _require_location(employee, location, settings):
    if not location.ok and cset.missing_location_policy(employee, settings) == "block":
        raise LocationRequired(
            _(
                "Your location is required to submit a deliverable. Allow location access for "
                "this site in your browser, then submit again."
            ),
            field="location",
        )


def file_rows(submission_id, version, checked, stored_names, now):
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


def location_fields(location, place, distance, flags):
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
                **location_fields(location, place, distance, flags),
            )
            SubmissionFile.insert_many(file_rows(submission.id, 1, files, stored, now)).execute()
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
                    **location_fields(location, place, distance, flags),
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
            rows += file_rows(submission.id, new_version, files, stored, now)
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
