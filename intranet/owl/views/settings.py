"""Si Owl's settings page for admins: lead times of the expiry warnings, the overstay charge and
threshold, the service standard, the office's closed days and its contact."""

import dataclasses

from flask import flash, request, url_for
from flask_babel import gettext as _

from ...audit.services import record
from ...core.responses import redirect_to, render, render_invalid
from ...extensions import transaction
from ...policy import roles
from .. import settings
from ..dates import wib_today
from ..forms import SettingsForm, holidays_text
from ..models import PERMIT_TYPES
from .blueprint import bp


@bp.route("/settings", methods=["GET", "POST"])
@roles("admin")
def edit_settings():
    form = SettingsForm()
    rules = settings.lead_rules()
    if request.method == "GET":
        for ptype in PERMIT_TYPES:
            form[f"lead_{ptype}"].data = ", ".join(str(d) for d, _s in rules[ptype])
        form.overstay_rate.data = settings.overstay_rate()
        form.escalation_days.data = settings.escalation_days()
        form.service_standard_days.data = settings.service_standard_days()
        form.public_holidays.data = holidays_text(settings.holiday_entries())
        office = settings.office_contact()
        form.office_address.data = office.address
        form.office_phone.data = office.phone
        form.office_first_day.data = office.first_day
        form.office_last_day.data = office.last_day
        form.office_opens.data = office.opens
        form.office_closes.data = office.closes
    elif form.validate_on_submit():
        today = wib_today()
        with transaction():
            for ptype in PERMIT_TYPES:
                settings.set_lead_days(ptype, form[f"lead_{ptype}"].parsed, today)
            settings.save_numbers(
                rate=form.overstay_rate.data,
                escalation=form.escalation_days.data,
                standard=form.service_standard_days.data,
            )
            settings.set_holidays(form.public_holidays.parsed)
            office = settings.OfficeContact(
                address=form.office_address.data,
                phone=form.office_phone.data,
                first_day=form.office_first_day.data,
                last_day=form.office_last_day.data,
                opens=form.office_opens.data,
                closes=form.office_closes.data,
            )
            settings.set_office_contact(office)
            record(
                "owl.settings.changed",
                object_type="Setting",
                detail={
                    "lead_times": {t: form[f"lead_{t}"].parsed for t in PERMIT_TYPES},
                    "escalation_days": form.escalation_days.data,
                    "service_standard_days": form.service_standard_days.data,
                    "public_holidays": sorted(
                        {day.isoformat() for day, _note in form.public_holidays.parsed}
                    ),
                    "office_contact": dataclasses.asdict(office),
                },
            )
        flash(
            _("Settings saved. New lead times apply from today, never to stages already passed."),
            "success",
        )
        return redirect_to(url_for("owl.edit_settings"))
    else:
        return render_invalid("owl/settings.html", form=form, rules=rules)
    return render("owl/settings.html", form=form, rules=rules)
