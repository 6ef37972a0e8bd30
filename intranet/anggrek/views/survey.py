"""The public satisfaction survey an applicant opens from the QR code at a counter: rate the
service of a ticket served there (rate-limited per device)."""

from flask import request
from flask_babel import gettext as _

from ...core.refusals import refuse_form
from ...core.responses import render, render_invalid
from ...policy import public, require
from .. import ikm, survey
from ..forms import SurveyForm
from ..models import Counter
from ..services import StepRefused
from .blueprint import bp


@bp.route("/s/<token>", methods=["GET", "POST"])
@public
def survey_form(token):
    counter = Counter.get_or_none(Counter.survey_token == token)
    require(counter is not None and counter.is_active)
    form = SurveyForm()
    if request.method == "GET":
        form.number.data = request.args.get("t", "")
        return render("anggrek/survey.html", counter=counter, form=form)
    wait = survey.rate_limit_hit(request.remote_addr)
    if wait:
        minutes = max(1, -(-wait // 60))
        return render(
            "anggrek/survey.html",
            _status=429,
            counter=counter,
            form=form,
            error=_(
                "Too many responses were sent from this device. Please try again in "
                "%(minutes)s minutes.",
                minutes=minutes,
            ),
        )
    if not form.validate_on_submit():
        return render_invalid(
            "anggrek/survey.html",
            counter=counter,
            form=form,
            error=_("Please correct the marked answers."),
        )
    ratings = {k: getattr(form, k).data for k in ikm.ELEMENT_KEYS}
    try:
        survey.submit(counter, form.number.data, ratings, form.comment.data)
    except StepRefused as exc:
        return refuse_form(
            "anggrek/survey.html",
            form,
            exc,
            default_field="number",
            counter=counter,
            error=str(exc.message),
        )
    return render("anggrek/survey_thanks.html", counter=counter)
