"""Flag cases about counter officers: the list, raising a flag (with the officer's service
events as evidence and an attachment), a case's page, the head of office's decisions, notes,
and attachment downloads. Every read is audited (anggrek.flags)."""

from flask import abort, current_app, flash, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...audit.services import record
from ...core.actor import actor
from ...core.args import BIG_ID_MAX, date_arg, int_arg, int_list_arg
from ...core.refusals import put_on_form
from ...core.responses import redirect_to, render, render_invalid
from ...people.models import User
from ...policy import require, roles
from .. import clock, flags, queries, services, uploads
from ..forms import FlagForm, FlagStatusForm, NoteForm
from ..models import FLAG_INVESTIGATING, FLAG_RESOLVED, FLAG_STATUSES, Flag, FlagAttachment
from ..services import StepRefused
from .blueprint import FLAG_READERS, bp


def _visible_flag(flag_id):
    flag = Flag.get_or_none(Flag.id == flag_id)
    require(flag is not None and flags.can_see(actor(), flag))
    return flag


@bp.get("/flags")
@roles(*FLAG_READERS)
def list_flags():
    user = actor()
    status = request.args.get("status", "")
    status = status if status in (*FLAG_STATUSES, queries.UNDECIDED) else ""
    cases = queries.flag_cases(user, status or None)
    people = queries.users_by_id({c.officer_id for c in cases} | {c.reporter_id for c in cases})
    record(
        "anggrek.flag.listed",
        object_type="Flag",
        actor=user,
        detail={"status": status, "count": len(cases)} if status else {"count": len(cases)},
    )
    return render(
        "anggrek/flags.html",
        cases=cases,
        people=people,
        status=status,
        statuses=FLAG_STATUSES,
        can_raise=user.has_role("atasan"),
    )


def _flag_form():
    form = FlagForm()
    form.officer.choices = [(0, "—")] + [
        (u.id, f"{u.name} ({u.display_nip})")
        for u in services.counter_officers()
        if u.id != actor().id
    ]
    return form


def _picker_context(officer_id, day, chosen):
    """The event picker of the flag form: the officer's events of ``day`` plus those chosen."""
    officers = {u.id for u in services.counter_officers()} - {actor().id}
    if officer_id not in officers:
        officer_id = 0
    start, end = clock.day_bounds(day)
    events = flags.officer_events(officer_id, start, end, chosen) if officer_id else []
    return dict(events=events, chosen=set(chosen), picker_officer=officer_id, picker_day=day)


@bp.route("/flags/new", methods=["GET", "POST"])
@roles("atasan")
def new_flag():
    form = _flag_form()
    if request.method == "GET":
        form.officer.data = int_arg("officer", 0)
        form.day.data = date_arg("day", clock.today())
    if form.validate_on_submit():
        upload = None
        try:
            if form.attachment.data and getattr(form.attachment.data, "filename", ""):
                upload = uploads.check(form.attachment.data)
            officer = User.get_or_none(User.id == form.officer.data)
            if officer is None:
                raise StepRefused(
                    "not_officer", _l("Choose an active counter officer."), 422, field="officer"
                )
            flag = flags.create_flag(
                reporter=actor(),
                officer=officer,
                category=form.category.data,
                description=form.description.data,
                event_ids=form.events.data or [],
                upload=upload,
            )
        except uploads.UploadRefused as exc:
            # str(): a lazy message is not escaped by the template, and this one says "file's"
            form.attachment.errors = [str(exc.message)]
        except StepRefused as exc:
            put_on_form(form, exc, default_field="officer")
        else:
            flash(_("The flag was raised; the head of office has been notified."), "success")
            return redirect_to(url_for("anggrek.show_flag", flag_id=flag.id))
    picker = _picker_context(
        form.officer.data or 0,
        form.day.data or clock.today(),
        [i for i in (form.events.data or []) if isinstance(i, int)],
    )
    if request.method == "POST":
        return render_invalid("anggrek/flag_form.html", form=form, **picker)
    return render("anggrek/flag_form.html", form=form, **picker)


@bp.get("/flags/events")
@roles("atasan")
def flag_events():
    """The event picker of the flag form, reloaded when the officer or the day changes."""
    chosen = int_list_arg("events", max=BIG_ID_MAX)
    return render(
        "anggrek/_flag_events.html",
        **_picker_context(
            int_arg("officer", 0),
            date_arg("day", clock.today()),
            chosen,
        ),
    )


@bp.get("/flags/<int:flag_id>")
@roles(*FLAG_READERS)
def show_flag(flag_id):
    flag = _visible_flag(flag_id)
    return render(
        "anggrek/flag.html",
        **_flag_context(flag),
        status_form=FlagStatusForm(),
        note_form=NoteForm(),
    )


def _flag_context(flag, error=None):
    """Everything the case page shows; every rendering of it is a read, and audited."""
    user = actor()
    flags.audit_read(flag, user)
    people = queries.users_by_id(
        [flag.officer_id, flag.reporter_id] + [n.author_id for n in flag.notes]
    )
    return dict(
        flag=flag,
        people=people,
        events=flags.linked_events(flag),
        attachments=list(flag.attachments),
        notes=list(flag.notes.order_by(flags.FlagNote.at)),
        can_decide=flags.can_decide(user, flag),
        can_note=flags.can_add_note(user, flag),
        next_status={"open": FLAG_INVESTIGATING, "investigating": FLAG_RESOLVED}.get(flag.status),
        error=error,
    )


# A refused decision or note re-renders the case page with the message above it and the
# refusal's own status (403, 409 or 422): kept by hand, as neither refuse_form (always 422, the
# message by a field) nor act (a redirect) says that.


@bp.post("/flags/<int:flag_id>/status")
@roles("kepala")
def change_flag_status(flag_id):
    flag = _visible_flag(flag_id)
    form = FlagStatusForm()
    if form.validate_on_submit():
        try:
            flags.change_status(
                flag,
                actor(),
                form.to_status.data,
                resolution=form.resolution.data,
                note=form.note.data,
            )
        except StepRefused as exc:
            return render(
                "anggrek/flag.html",
                _status=exc.status,
                **_flag_context(flag, error=exc.message),
                status_form=form,
                note_form=NoteForm(),
            )
        flash(_("The case was updated."), "success")
        return redirect_to(url_for("anggrek.show_flag", flag_id=flag.id))
    return render_invalid(
        "anggrek/flag.html", **_flag_context(flag), status_form=form, note_form=NoteForm()
    )


@bp.post("/flags/<int:flag_id>/notes")
@roles("atasan", "kepala")
def add_flag_note(flag_id):
    flag = _visible_flag(flag_id)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            flags.add_note(flag, actor(), form.body.data)
        except StepRefused as exc:
            return render(
                "anggrek/flag.html",
                _status=exc.status,
                **_flag_context(flag, error=exc.message),
                status_form=FlagStatusForm(),
                note_form=form,
            )
        flash(_("The note was added."), "success")
        return redirect_to(url_for("anggrek.show_flag", flag_id=flag.id))
    return render_invalid(
        "anggrek/flag.html", **_flag_context(flag), status_form=FlagStatusForm(), note_form=form
    )


@bp.get("/flags/<int:flag_id>/attachments/<int:attachment_id>")
@roles(*FLAG_READERS)
def download_flag_attachment(flag_id, attachment_id):
    flag = _visible_flag(flag_id)
    attachment = FlagAttachment.get_or_none(
        FlagAttachment.id == attachment_id, FlagAttachment.flag == flag.id
    )
    require(attachment is not None)
    try:
        path = uploads.path_of(attachment.stored_name)
        handle = open(path, "rb")
    except OSError:
        current_app.logger.error("flag attachment %s missing on disk", attachment.id)
        abort(404)
    flags.audit_read(flag, actor(), what="attachment_downloaded")
    response = send_file(
        handle,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.original_name,
    )
    # The file is never run or shown inline: a policy of its own, stricter than the pages'.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
