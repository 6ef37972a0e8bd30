"""Flag cases about counter officers: raised by a supervisor, decided by the head of office.

    open --(kepala)--> investigating --(kepala, with a note)--> resolved: substantiated |
                                                                          not substantiated

Who sees a case: the head of office, admins and the supervisor who raised it; never the flagged
officer (even one who also holds one of those roles). Every read and change is audited. The head
of office is e-mailed on each new flag through the outbox, in the same transaction.
"""

from flask_babel import lazy_gettext as _l
from peewee import JOIN

from ..audit.services import record
from ..core.links import external_url
from ..extensions import transaction
from ..models import utcnow
from ..people.directory import users_with_role
from . import uploads
from .labels import FLAG_STATUS_LABELS
from .models import (
    CATEGORIES,
    FLAG_INVESTIGATING,
    FLAG_OPEN,
    FLAG_RESOLVED,
    RESOLUTIONS,
    Counter,
    Flag,
    FlagAttachment,
    FlagEvent,
    FlagNote,
    ServiceEvent,
    Ticket,
)
from .services import StepRefused

# The only moves a case can make, and who may make them: the head of office.
TRANSITIONS = {FLAG_OPEN: (FLAG_INVESTIGATING,), FLAG_INVESTIGATING: (FLAG_RESOLVED,)}

DECIDERS = ("kepala",)
READERS = ("kepala", "admin")


# ----- visibility -----------------------------------------------------------------------------


def can_see(user, flag):
    if user is None or flag.officer_id == user.id:
        return False
    return flag.reporter_id == user.id or user.has_role(*READERS)


def can_decide(user, flag):
    return can_see(user, flag) and user.has_role(*DECIDERS)


def can_add_note(user, flag):
    return flag.status != FLAG_RESOLVED and (
        can_decide(user, flag) or (can_see(user, flag) and flag.reporter_id == user.id)
    )


def visible_to(user):
    """The cases this user may see (never those about themselves)."""
    query = Flag.select().where(Flag.officer != user.id)
    if not user.has_role(*READERS):
        query = query.where(Flag.reporter == user.id)
    return query


def linked_events(flag):
    return list(
        ServiceEvent.select(ServiceEvent, Ticket, Counter)
        .join(FlagEvent, on=(FlagEvent.event == ServiceEvent.id))
        .switch(ServiceEvent)
        .join(Ticket, JOIN.LEFT_OUTER)
        .switch(ServiceEvent)
        .join(Counter)
        .where(FlagEvent.flag == flag.id)
        .order_by(ServiceEvent.at)
    )


def officer_events(officer_id, start, end, extra_ids=()):
    """An officer's service events in [start, end), plus the given ids of theirs (already
    chosen on the form), for linking to a flag."""
    cond = (ServiceEvent.at >= start) & (ServiceEvent.at < end)
    if extra_ids:
        cond = cond | ServiceEvent.id.in_(list(extra_ids))
    return list(
        ServiceEvent.select(ServiceEvent, Ticket, Counter)
        .join(Ticket, JOIN.LEFT_OUTER)
        .switch(ServiceEvent)
        .join(Counter)
        .where(ServiceEvent.officer == officer_id, cond)
        .order_by(ServiceEvent.at)
        .limit(500)
    )


def audit_read(flag, user, what="viewed"):
    record(f"anggrek.flag.{what}", flag, actor=user, detail={"status": flag.status})


# ----- changes --------------------------------------------------------------------------------


def _heads_of_office(exclude_id):
    return list(users_with_role("kepala", exclude=exclude_id))


def _case_url(flag_id):
    """The case's link in the heads' e-mail: on the public address (PUBLIC_URL), never the
    Host header of whichever request raised the flag, and absolute even from a job."""
    return external_url("anggrek.show_flag", flag_id=flag_id)


def create_flag(*, reporter, officer, category, description, event_ids=(), upload=None):
    """Raise a flag. ``upload`` is an uploads.CheckedUpload or None."""
    if officer.id == reporter.id:
        raise StepRefused("self", _l("You cannot flag yourself."), status=422, field="officer")
    if not officer.is_active or not officer.has_role("loket"):
        raise StepRefused(
            "not_officer", _l("Choose an active counter officer."), status=422, field="officer"
        )
    if category not in CATEGORIES:
        raise StepRefused("category", _l("Choose a category."), status=422, field="category")
    description = (description or "").strip()
    if len(description) < 10:
        raise StepRefused(
            "description",
            _l("Describe what happened (at least 10 characters)."),
            status=422,
            field="description",
        )
    event_ids = sorted({int(i) for i in event_ids})
    if event_ids:
        owned = (
            ServiceEvent.select()
            .where(ServiceEvent.id.in_(event_ids), ServiceEvent.officer == officer.id)
            .count()
        )
        if owned != len(event_ids):
            raise StepRefused(
                "events",
                _l("Link only service events of the flagged officer."),
                status=422,
                field="events",
            )
    stored = uploads.store(upload) if upload is not None else None
    try:
        with transaction():
            now = utcnow()
            flag = Flag.create(
                officer=officer.id,
                reporter=reporter.id,
                category=category,
                description=description,
                status=FLAG_OPEN,
                created_at=now,
                updated_at=now,
            )
            if event_ids:
                FlagEvent.insert_many([{"flag": flag.id, "event": e} for e in event_ids]).execute()
            if stored:
                FlagAttachment.create(
                    flag=flag.id,
                    original_name=upload.original_name,
                    stored_name=stored,
                    content_type=upload.content_type,
                    size=len(upload.data),
                    sha256=upload.sha256,
                )
            record(
                "anggrek.flag.created",
                flag,
                actor=reporter,
                detail={
                    "officer_id": officer.id,
                    "category": category,
                    "events": len(event_ids),
                    "attachment": bool(stored),
                },
            )
            _notify_heads(flag, officer)
    except BaseException:
        if stored:
            uploads.remove(stored)
        raise
    return flag


def _notify_heads(flag, officer):
    from ..notify.services import queue_email

    url = _case_url(flag.id)
    for head in _heads_of_office(exclude_id=officer.id):
        queue_email(
            key=f"anggrek.flag:{flag.id}:head:{head.id}",
            to=head.email,
            template="anggrek/email/new_flag",
            context={
                "flag_id": flag.id,
                "category": flag.category,
                "officer_name": officer.name,
                "head_name": head.name,
                "url": url,
            },
            language=head.language if head.language in ("id", "en") else "id",
            kind="anggrek.new_flag",
            object_type="Flag",
            object_id=flag.id,
        )


def change_status(flag, actor, to_status, *, resolution=None, note=""):
    if not can_decide(actor, flag):
        raise StepRefused(
            "forbidden", _l("Only the head of office decides flag cases."), status=403
        )
    note = (note or "").strip()
    if to_status not in TRANSITIONS.get(flag.status, ()):
        raise StepRefused(
            "transition",
            _l(
                "A case that is “%(status)s” cannot move to “%(target)s”.",
                status=FLAG_STATUS_LABELS.get(flag.status, flag.status),
                target=FLAG_STATUS_LABELS.get(to_status, to_status),
            ),
        )
    fields = {"status": to_status, "updated_at": utcnow()}
    if to_status == FLAG_RESOLVED:
        if resolution not in RESOLUTIONS:
            raise StepRefused(
                "resolution", _l("Say whether the flag was substantiated."), status=422
            )
        if len(note) < 5:
            raise StepRefused("note", _l("Write the findings in a note."), status=422)
        fields.update(resolution=resolution, resolved_at=utcnow(), decided_by=actor.id)
    with transaction():
        moved = (
            Flag.update(**fields).where(Flag.id == flag.id, Flag.status == flag.status).execute()
        )
        if not moved:
            raise StepRefused("stale", _l("This case was changed by someone else; reload it."))
        FlagNote.create(
            flag=flag.id,
            author=actor.id,
            body=note,
            from_status=flag.status,
            to_status=to_status,
            resolution=fields.get("resolution"),
        )
        record(
            "anggrek.flag.status_changed",
            flag,
            actor=actor,
            detail={
                "from": flag.status,
                "to": to_status,
                "resolution": fields.get("resolution"),
            },
        )
    return Flag.get_by_id(flag.id)


def add_note(flag, author, body):
    if flag.status == FLAG_RESOLVED and can_see(author, flag):
        raise StepRefused(
            "resolved", _l("This case is resolved; notes can no longer be added."), status=409
        )
    if not can_add_note(author, flag):
        raise StepRefused("forbidden", _l("You cannot add notes to this case."), status=403)
    body = (body or "").strip()
    if not body:
        raise StepRefused("empty", _l("Write the note first."), status=422)
    with transaction():
        note = FlagNote.create(flag=flag.id, author=author.id, body=body[:4000])
        Flag.update(updated_at=utcnow()).where(Flag.id == flag.id).execute()
        record("anggrek.flag.note_added", flag, actor=author, detail={"note_id": note.id})
    return note
