"""One deliverable, for whoever may see it (the employee, their supervisor, the head, admins): its
page with its history, its map and coordinates on demand, and its files. Every look at someone
else's coordinates or files is audited."""

import os

from flask import abort, current_app, send_file

from ...core.actor import actor
from ...core.responses import render
from ...extensions import transaction
from ...policy import SIGNED_IN, require, roles
from .. import queries, review, uploads
from .. import settings as cset
from ..forms import DecisionForm
from ..models import PENDING
from .blueprint import bp, get_submission


def _map_context():
    s = cset.load()
    return {
        "tile_url": s.tile_url,
        "tile_attribution": s.tile_attribution,
        "radius_m": s.radius_m,
        "accuracy_max_m": s.accuracy_max_m,
    }


@bp.get("/<int:submission_id>")
@roles(SIGNED_IN)
def show_submission(submission_id):
    submission = get_submission(submission_id)
    me = actor()
    require(review.can_view(me, submission, submission.employee))
    with transaction():
        review.record_location_view(me, submission)
    return render(
        "cempaka/detail.html",
        submission=submission,
        employee=submission.employee,
        history=queries.history(submission),
        can_review=review.can_review(me, submission, submission.employee)
        and submission.status == PENDING,
        decision_form=DecisionForm(),
        map=_map_context(),
    )


@bp.get("/<int:submission_id>/location")
@roles(SIGNED_IN)
def show_location(submission_id):
    """The map and coordinates of one deliverable, fetched when the reader asks for them (each
    look at someone else's coordinates is audited)."""
    submission = get_submission(submission_id)
    me = actor()
    require(review.can_view(me, submission, submission.employee))
    with transaction():
        review.record_location_view(me, submission)
    return render("cempaka/_location.html", s=submission, map=_map_context())


@bp.get("/files/<int:file_id>")
@roles(SIGNED_IN)
def download_file(file_id):
    f = queries.stored_file(file_id)
    require(f is not None)
    submission = get_submission(f.submission_id)
    me = actor()
    require(review.can_view(me, submission, submission.employee))
    try:
        path = uploads.path_for(f.stored_name)
    except ValueError:
        abort(404)
    if not os.path.isfile(path):
        current_app.logger.error("cempaka file %s missing from storage", f.id)
        abort(404)
    with transaction():
        review.record_file_download(me, f)
    response = send_file(
        path,
        mimetype=f.content_type,
        as_attachment=True,
        download_name=f.original_name,
        max_age=0,
        etag=False,
        last_modified=None,
        conditional=False,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
