"""The registry: foreigners and their stay permits (register, change, cancel), and the current
permit of a foreigner that the other services and pages ask for."""

from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from ...audit.services import record
from ...extensions import transaction
from ...models import utcnow
from ..models import Foreigner, Permit, normalize_number, normalize_passport
from .common import OwlError

FOREIGNER_FIELDS = (
    "name",
    "passport_number",
    "passport_country",
    "nationality",
    "date_of_birth",
    "gender",
    "email",
    "phone",
    "language",
    "address",
    "sponsor_name",
    "sponsor_email",
)


def passport_taken(passport_number, passport_country, exclude_id=None):
    query = Foreigner.select().where(
        (Foreigner.passport_key == normalize_passport(passport_number))
        & (Foreigner.passport_country == passport_country)
    )
    if exclude_id:
        query = query.where(Foreigner.id != exclude_id)
    return query.exists()


def _clean_foreigner_fields(fields):
    data = {k: fields[k] for k in FOREIGNER_FIELDS if k in fields}
    for key in (
        "name",
        "passport_number",
        "email",
        "phone",
        "address",
        "sponsor_name",
        "sponsor_email",
    ):
        if key in data:
            data[key] = (data[key] or "").strip()
    for key in ("email", "sponsor_email"):
        if key in data:
            data[key] = data[key].lower()
    if "passport_number" in data:
        data["passport_number"] = data["passport_key"] = normalize_passport(data["passport_number"])
    return data


def create_foreigner(actor=None, **fields):
    data = _clean_foreigner_fields(fields)
    with transaction():
        if passport_taken(data["passport_number"], data["passport_country"]):
            raise OwlError(_l("A foreigner with this passport is already registered."))
        foreigner = Foreigner.create(**data)
        record(
            "owl.foreigner.created",
            foreigner,
            actor=actor,
            detail={"nationality": foreigner.nationality},
        )
    return foreigner


def update_foreigner(foreigner, actor=None, **fields):
    data = _clean_foreigner_fields(fields)
    with transaction():
        if passport_taken(data["passport_number"], data["passport_country"], foreigner.id):
            raise OwlError(_l("A foreigner with this passport is already registered."))
        changed = sorted(k for k, v in data.items() if getattr(foreigner, k) != v)
        for key, value in data.items():
            setattr(foreigner, key, value)
        foreigner.updated_at = utcnow()
        foreigner.save()
        record("owl.foreigner.updated", foreigner, actor=actor, detail={"fields": changed})
    return foreigner


def current_permit(foreigner_id):
    """The foreigner's latest permit (by issue date), whatever its status."""
    return (
        Permit.select()
        .where(Permit.foreigner == foreigner_id)
        .order_by(Permit.issue_date.desc(), Permit.id.desc())
        .first()
    )


def active_permit(foreigner_id):
    return (
        Permit.select()
        .where((Permit.foreigner == foreigner_id) & (Permit.status == "active"))
        .order_by(Permit.expiry_date.desc(), Permit.id.desc())
        .first()
    )


def _check_permit_values(permit_type, permit_number, issue_date, expiry_date, exclude_id=None):
    if permit_type not in ("ITK", "ITAS", "ITAP"):
        raise OwlError(_l("Choose a permit type."))
    if expiry_date <= issue_date:
        raise OwlError(_l("The expiry date must be after the issue date."))
    query = Permit.select().where(Permit.permit_number == permit_number)
    if exclude_id:
        query = query.where(Permit.id != exclude_id)
    if query.exists():
        raise OwlError(_l("Another permit already has this number."))


def insert_permit(
    foreigner, *, permit_type, subtype, permit_number, registration_number, issue_date, expiry_date
):
    """Inside a transaction: add a permit. It becomes the active one unless the foreigner's
    active permit runs longer (then it is recorded as history)."""
    permit_number = normalize_number(permit_number)
    _check_permit_values(permit_type, permit_number, issue_date, expiry_date)
    current = active_permit(foreigner.id)
    status = "active"
    if current is not None:
        if current.expiry_date <= expiry_date:
            current.status = "replaced"
            current.updated_at = utcnow()
            current.save()
        else:
            status = "replaced"
    try:
        return Permit.create(
            foreigner=foreigner,
            permit_type=permit_type,
            subtype=subtype or "",
            permit_number=permit_number,
            registration_number=normalize_number(registration_number),
            issue_date=issue_date,
            expiry_date=expiry_date,
            duration_days=(expiry_date - issue_date).days,
            status=status,
        )
    except IntegrityError:
        raise OwlError(_l("Another permit already has this number.")) from None


def add_permit(foreigner, actor=None, **fields):
    with transaction():
        permit = insert_permit(foreigner, **fields)
        record(
            "owl.permit.created",
            permit,
            actor=actor,
            detail={"foreigner": foreigner.id, "type": permit.permit_type, "status": permit.status},
        )
    return permit


def update_permit(
    permit,
    actor=None,
    *,
    permit_type,
    subtype,
    permit_number,
    registration_number,
    issue_date,
    expiry_date,
):
    permit_number = normalize_number(permit_number)
    with transaction():
        _check_permit_values(permit_type, permit_number, issue_date, expiry_date, permit.id)
        data = dict(
            permit_type=permit_type,
            subtype=subtype or "",
            permit_number=permit_number,
            registration_number=normalize_number(registration_number),
            issue_date=issue_date,
            expiry_date=expiry_date,
        )
        changed = sorted(k for k, v in data.items() if getattr(permit, k) != v)
        for key, value in data.items():
            setattr(permit, key, value)
        permit.duration_days = (expiry_date - issue_date).days
        permit.updated_at = utcnow()
        permit.save()
        record("owl.permit.updated", permit, actor=actor, detail={"fields": changed})
    return permit


CANCEL_REASONS = ("departed", "revoked", "deported", "other")


def cancel_permit(permit, reason, actor=None):
    if reason not in CANCEL_REASONS:
        raise OwlError(_l("Choose a reason."))
    with transaction():
        if permit.status != "active":
            raise OwlError(_l("Only an active permit can be cancelled."))
        permit.status = "cancelled"
        permit.cancel_reason = reason
        permit.updated_at = utcnow()
        permit.save()
        record("owl.permit.cancelled", permit, actor=actor, detail={"reason": reason})
    return permit
