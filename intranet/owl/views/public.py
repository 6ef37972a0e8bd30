"""The public status page: foreigners check an application with its number and their passport
number (rate-limited per client, every look-up audited), beside the office's contact and any
disruption notice."""

from babel.dates import get_day_names
from flask import request
from flask_babel import get_locale
from flask_babel import gettext as _

from ...audit.services import record
from ...core.responses import render, render_invalid
from ...policy import public
from .. import ratelimit, settings
from ..forms import StatusForm
from ..services.disruptions import current_disruptions
from ..services.lookups import public_status as application_status
from .blueprint import bp


def _office_context():
    """The office's address, phone and opening hours in the page's language."""
    office = settings.office_contact()
    locale = get_locale() or "id"
    days = get_day_names("wide", locale=locale)
    opens, closes = office.opens, office.closes
    if str(locale) == "id":  # Indonesian writes 08.00
        opens, closes = opens.replace(":", "."), closes.replace(":", ".")
    if office.first_day == office.last_day:
        hours = _(
            "%(day)s, %(opens)s–%(closes)s WIB, except public holidays",
            day=days[office.first_day],
            opens=opens,
            closes=closes,
        )
    else:
        hours = _(
            "%(first)s to %(last)s, %(opens)s–%(closes)s WIB, except public holidays",
            first=days[office.first_day],
            last=days[office.last_day],
            opens=opens,
            closes=closes,
        )
    phone_link = "tel:" + "".join(ch for ch in office.phone if ch.isdigit() or ch == "+")
    return {"office": office, "office_hours": hours, "office_phone_link": phone_link}


def _rate_limited_html(retry):
    response = render(
        "owl/status.html",
        _status=429,
        form=StatusForm(formdata=None),
        result=None,
        looked_up=False,
        limited=True,
        retry_minutes=max(1, -(-retry // 60)),
        disruptions=current_disruptions(),
        **_office_context(),
    )
    response.headers["Retry-After"] = str(retry)
    return response


def audit_lookup(result, channel):
    """Every status look-up is audited, found or not, page (``web``) or JSON (``api``)."""
    record(
        "owl.status.lookup",
        object_type="Application",
        object_id=result.application_number if result else "",
        detail={"found": result is not None, "channel": channel},
    )


@bp.route("/status", methods=["GET", "POST"])
@public
def public_status():
    """Foreigners check an application with its number and their passport number."""
    form = StatusForm()
    disruptions = current_disruptions()
    context = dict(
        result=None, looked_up=False, limited=False, disruptions=disruptions, **_office_context()
    )
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_invalid("owl/status.html", form=form, **context)
        retry = ratelimit.hit()
        if retry:
            return _rate_limited_html(retry)
        result = application_status(form.application_number.data, form.passport_number.data)
        audit_lookup(result, "web")
        context.update(result=result, looked_up=True)
    response = render("owl/status.html", form=form, **context)
    response.headers["Cache-Control"] = "no-store"
    return response
