"""Si Owl's forms. Every message is translatable; dates are ISO (``<input type=date>``)."""

import datetime as dt
import re

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from .labels import (
    APPLICATION_KIND_LABELS,
    CANCEL_REASON_LABELS,
    FOLLOW_UP_LABELS,
    GENDER_LABELS,
    LANGUAGE_LABELS,
    PERMIT_TYPE_LABELS,
    SUBTYPES,
    country_choices,
)
from .models import normalize_number, normalize_passport

PASSPORT_RE = re.compile(r"^[A-Z0-9]{5,20}$")
PHONE_RE = re.compile(r"^\+?[0-9 ()-]{5,40}$")
HHMM_RE = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
OFFICE_DAYS = [
    (0, _l("Monday")),
    (1, _l("Tuesday")),
    (2, _l("Wednesday")),
    (3, _l("Thursday")),
    (4, _l("Friday")),
    (5, _l("Saturday")),
    (6, _l("Sunday")),
]
PERMIT_NUMBER_RE = re.compile(r"^[A-Z0-9][A-Z0-9./-]{3,39}$")


def _clean_text(value):
    """No NUL or other control characters (except line breaks) reach the database."""
    if isinstance(value, str):
        return "".join(ch for ch in value if ch in "\n\t" or ch.isprintable())
    return value


class OwlForm(FlaskForm):
    """Si Owl's form base: every text field is cleaned of control characters."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, StringField):  # TextAreaField included
                options["filters"] = [*unbound_field.kwargs.get("filters", ()), _clean_text]
            return unbound_field.bind(form=form, **options)


class Deliverable:
    """An address the outbox will accept (the same check as ``queue_email``), so a foreigner is
    never registered with an address their warnings could not be sent to."""

    def __call__(self, form, field):
        from ..notify.services import is_valid_address

        if field.data and not is_valid_address(field.data.strip()):
            raise ValidationError(_l("Enter a valid e-mail address."))


class OwlDateField(DateField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a date as YYYY-MM-DD.")) from None


class OwlDateTimeField(DateTimeLocalField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a date and time.")) from None


def _subtype_choices():
    choices = [("", _l("— none —"))]
    for ptype, entries in SUBTYPES.items():
        choices += [(code, f"{ptype}: {label}") for code, label in entries]
    # a code used by two types appears once
    seen, unique = set(), []
    for code, label in choices:
        if code not in seen:
            seen.add(code)
            unique.append((code, label))
    return unique


def _permit_type_choices():
    return [(k, v) for k, v in PERMIT_TYPE_LABELS.items()]


class ForeignerForm(OwlForm):
    name = StringField(
        _l("Full name (as in the passport)"),
        validators=[DataRequired(_l("Enter the name.")), Length(max=200)],
    )
    passport_number = StringField(
        _l("Passport number"), validators=[DataRequired(_l("Enter the passport number."))]
    )
    passport_country = SelectField(_l("Passport issued by"), validators=[DataRequired()])
    nationality = SelectField(_l("Nationality"), validators=[DataRequired()])
    date_of_birth = OwlDateField(_l("Date of birth"), validators=[Optional()])
    gender = SelectField(_l("Sex"), choices=list(GENDER_LABELS.items()), default="")
    email = EmailField(
        _l("E-mail"),
        validators=[Optional(), Length(max=254), Deliverable()],
    )
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    language = SelectField(
        _l("E-mail language"), choices=list(LANGUAGE_LABELS.items()), default="en"
    )
    address = TextAreaField(_l("Address in Indonesia"), validators=[Optional(), Length(max=500)])
    sponsor_name = StringField(_l("Sponsor or guarantor"), validators=[Optional(), Length(max=200)])
    sponsor_email = EmailField(
        _l("Sponsor e-mail"),
        validators=[Optional(), Length(max=254), Deliverable()],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        countries = country_choices()
        self.passport_country.choices = [("", _l("— choose —"))] + countries
        self.nationality.choices = [("", _l("— choose —"))] + countries

    def validate_passport_number(self, field):
        value = normalize_passport(field.data)
        if not PASSPORT_RE.match(value):
            raise ValidationError(_l("A passport number has 5 to 20 letters and digits."))

    def validate_date_of_birth(self, field):
        if field.data and not dt.date(1900, 1, 1) <= field.data <= dt.date.today():
            raise ValidationError(_l("Enter a date of birth in the past."))

    def validate_passport_country(self, field):
        if field.data not in dict(self.passport_country.choices) or not field.data:
            raise ValidationError(_l("Choose a country."))

    def validate_nationality(self, field):
        if field.data not in dict(self.nationality.choices) or not field.data:
            raise ValidationError(_l("Choose a country."))


def _validate_permit_number(field):
    if not PERMIT_NUMBER_RE.match(normalize_number(field.data)):
        raise ValidationError(
            _l("A permit number has 4 to 40 letters, digits, dots, dashes or slashes.")
        )


class PermitForm(OwlForm):
    permit_type = SelectField(_l("Permit type"), choices=_permit_type_choices())
    subtype = SelectField(_l("Purpose of stay"), choices=_subtype_choices(), default="")
    permit_number = StringField(
        _l("Permit number"), validators=[DataRequired(_l("Enter the permit number."))]
    )
    registration_number = StringField(
        _l("Registration number"), validators=[Optional(), Length(max=40)]
    )
    issue_date = OwlDateField(
        _l("Issue date"), validators=[InputRequired(_l("Enter the issue date."))]
    )
    expiry_date = OwlDateField(
        _l("Expiry date"), validators=[InputRequired(_l("Enter the expiry date."))]
    )

    def validate_permit_number(self, field):
        _validate_permit_number(field)

    def validate_subtype(self, field):
        if field.data and field.data not in {
            c for c, _l_ in SUBTYPES.get(self.permit_type.data, [])
        }:
            raise ValidationError(_l("This purpose does not belong to the permit type."))

    def validate_expiry_date(self, field):
        if field.data and self.issue_date.data and field.data <= self.issue_date.data:
            raise ValidationError(_l("The expiry date must be after the issue date."))


class CancelPermitForm(OwlForm):
    reason = SelectField(_l("Reason"), choices=list(CANCEL_REASON_LABELS.items()))


class ApplicationForm(OwlForm):
    kind = SelectField(_l("Application"), choices=list(APPLICATION_KIND_LABELS.items()))
    requested_type = SelectField(_l("Permit applied for"), choices=_permit_type_choices())
    received_on = OwlDateField(
        _l("Received on"), validators=[InputRequired(_l("Enter the date received."))]
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])

    def validate_received_on(self, field):
        if field.data and field.data > dt.date.today() + dt.timedelta(days=1):
            raise ValidationError(_l("The date received cannot be in the future."))


class CompleteApplicationForm(OwlForm):
    permit_number = StringField(
        _l("New permit number"), validators=[DataRequired(_l("Enter the permit number."))]
    )
    registration_number = StringField(
        _l("Registration number"), validators=[Optional(), Length(max=40)]
    )
    subtype = SelectField(_l("Purpose of stay"), choices=_subtype_choices(), default="")
    issue_date = OwlDateField(
        _l("Issue date"), validators=[InputRequired(_l("Enter the issue date."))]
    )
    expiry_date = OwlDateField(
        _l("Expiry date"), validators=[InputRequired(_l("Enter the expiry date."))]
    )

    def validate_permit_number(self, field):
        _validate_permit_number(field)

    def validate_expiry_date(self, field):
        if field.data and self.issue_date.data and field.data <= self.issue_date.data:
            raise ValidationError(_l("The expiry date must be after the issue date."))


class RejectApplicationForm(OwlForm):
    reason = TextAreaField(
        _l("Reason for the rejection (sent to the foreigner)"),
        validators=[DataRequired(_l("Give the reason for the rejection.")), Length(max=2000)],
    )


class FollowUpForm(OwlForm):
    action = SelectField(_l("What was done"), choices=list(FOLLOW_UP_LABELS.items()))
    action_date = OwlDateField(_l("Date"), validators=[InputRequired(_l("Enter the date."))])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])

    def validate_action_date(self, field):
        if field.data and field.data > dt.date.today() + dt.timedelta(days=1):
            raise ValidationError(_l("The date cannot be in the future."))


class DisruptionForm(OwlForm):
    title_id = StringField(
        _l("Title (Indonesian)"), validators=[DataRequired(_l("Enter a title.")), Length(max=200)]
    )
    title_en = StringField(
        _l("Title (English)"), validators=[DataRequired(_l("Enter a title.")), Length(max=200)]
    )
    message_id = TextAreaField(
        _l("Message (Indonesian)"),
        validators=[DataRequired(_l("Enter a message.")), Length(max=4000)],
    )
    message_en = TextAreaField(
        _l("Message (English)"),
        validators=[DataRequired(_l("Enter a message.")), Length(max=4000)],
    )
    starts_at = OwlDateTimeField(
        _l("Start (WIB)"), validators=[InputRequired(_l("Enter the start."))]
    )
    expected_end_at = OwlDateTimeField(
        _l("Expected end (WIB)"), validators=[InputRequired(_l("Enter the expected end."))]
    )

    def validate_expected_end_at(self, field):
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The expected end must be after the start."))


class ResolveDisruptionForm(OwlForm):
    resolution_id = TextAreaField(
        _l("All-clear message (Indonesian)"),
        validators=[DataRequired(_l("Enter a message.")), Length(max=4000)],
    )
    resolution_en = TextAreaField(
        _l("All-clear message (English)"),
        validators=[DataRequired(_l("Enter a message.")), Length(max=4000)],
    )


def _parse_lead_days(text):
    parts = [p for p in re.split(r"[\s,;]+", text or "") if p]
    values = []
    for part in parts:
        if not part.isdigit():
            raise ValidationError(_l("Write whole numbers of days separated by commas."))
        values.append(int(part))
    if not values:
        raise ValidationError(_l("Give at least one lead time."))
    if any(not 1 <= v <= 366 for v in values):
        raise ValidationError(_l("Each lead time must be between 1 and 366 days."))
    return sorted(set(values), reverse=True)


HOLIDAY_LINE_RE = re.compile(
    r"^(?:(?P<iso>\d{4}-\d{1,2}-\d{1,2})|(?P<dmy>\d{1,2}[-/.]\d{1,2}[-/.]\d{4}))(?:\s+(?P<note>.*))?$"
)
MAX_HOLIDAYS = 200


def _holiday_date(match):
    if match["iso"]:
        year, month, day = match["iso"].split("-")
    else:
        day, month, year = re.split(r"[-/.]", match["dmy"])
    return dt.date(int(year), int(month), int(day))


def parse_holidays(text):
    """[(date, note)] from one closed day per line: ``2026-12-25 Natal`` or ``25-12-2026 Natal``
    (or with ``/`` or ``.``); blank lines are skipped. Raises ValidationError naming every line
    that is not a date."""
    entries, bad = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        match = HOLIDAY_LINE_RE.match(line)
        try:
            entries.append((_holiday_date(match), (match["note"] or "").strip()))
        except (TypeError, ValueError):  # no match, or no such day (2026-02-30)
            bad.append(number)
    if bad:
        raise ValidationError(
            ngettext(
                "Line %(lines)s is not a date: write each day as 2026-12-25 or 25-12-2026, "
                "optionally followed by a note.",
                "Lines %(lines)s are not dates: write each day as 2026-12-25 or 25-12-2026, "
                "optionally followed by a note.",
                len(bad),
                lines=", ".join(str(n) for n in bad[:10]) + ("…" if len(bad) > 10 else ""),
            )
        )
    if len({day for day, _note in entries}) > MAX_HOLIDAYS:
        raise ValidationError(
            _l("At most %(count)d days; remove past years first.", count=MAX_HOLIDAYS)
        )
    return entries


def holidays_text(entries):
    """The textarea's text for [(date, note)]: what ``parse_holidays`` reads back."""
    return "\n".join(f"{day.isoformat()} {note}".rstrip() for day, note in entries)


class SettingsForm(OwlForm):
    lead_ITK = StringField(_l("ITK lead times (days)"))
    lead_ITAS = StringField(_l("ITAS lead times (days)"))
    lead_ITAP = StringField(_l("ITAP lead times (days)"))
    overstay_rate = IntegerField(
        _l("Overstay charge per day (rupiah)"),
        validators=[
            InputRequired(_l("Enter the charge.")),
            NumberRange(0, 100_000_000, _l("Enter an amount between 0 and 100.000.000.")),
        ],
    )
    escalation_days = IntegerField(
        _l("Escalation to Inteldakim after (days overstayed)"),
        validators=[
            InputRequired(_l("Enter the number of days.")),
            NumberRange(1, 365, _l("Enter a number between 1 and 365.")),
        ],
    )
    service_standard_days = IntegerField(
        _l("Service standard (working days per application)"),
        validators=[
            InputRequired(_l("Enter the number of days.")),
            NumberRange(1, 60, _l("Enter a number between 1 and 60.")),
        ],
    )

    public_holidays = TextAreaField(
        _l("Public holidays and collective leave"),
        filters=[_clean_text],
        validators=[Length(max=20_000)],
        render_kw={"rows": 8},
    )

    office_address = TextAreaField(
        _l("Office address"),
        validators=[DataRequired(_l("Enter the office's address.")), Length(max=200)],
        render_kw={"rows": 2},
    )
    office_phone = StringField(
        _l("Office phone"),
        validators=[DataRequired(_l("Enter the office's phone number.")), Length(max=40)],
    )
    office_first_day = SelectField(_l("Open from"), choices=OFFICE_DAYS, coerce=int)
    office_last_day = SelectField(_l("Open until"), choices=OFFICE_DAYS, coerce=int)
    office_opens = StringField(_l("Opens at"), validators=[DataRequired(_l("Enter a time."))])
    office_closes = StringField(_l("Closes at"), validators=[DataRequired(_l("Enter a time."))])

    def validate_office_phone(self, field):
        if not PHONE_RE.match(field.data or ""):
            raise ValidationError(_l("Use digits, spaces, brackets, + and - only."))

    def validate_office_opens(self, field):
        if not HHMM_RE.match(field.data or ""):
            raise ValidationError(_l("Enter a time as HH:MM, e.g. 08:00."))

    def validate_office_closes(self, field):
        if not HHMM_RE.match(field.data or ""):
            raise ValidationError(_l("Enter a time as HH:MM, e.g. 16:00."))
        if HHMM_RE.match(self.office_opens.data or "") and field.data <= self.office_opens.data:
            raise ValidationError(_l("The office must close after it opens."))

    def validate_office_last_day(self, field):
        first = self.office_first_day.data
        if isinstance(field.data, int) and isinstance(first, int) and field.data < first:
            raise ValidationError(_l("Choose a day after the first opening day."))

    def validate_public_holidays(self, field):
        field.parsed = parse_holidays(field.data)

    def validate_lead_ITK(self, field):
        field.parsed = _parse_lead_days(field.data)

    def validate_lead_ITAS(self, field):
        field.parsed = _parse_lead_days(field.data)

    def validate_lead_ITAP(self, field):
        field.parsed = _parse_lead_days(field.data)


class StatusForm(OwlForm):
    application_number = StringField(
        _l("Application number"),
        validators=[DataRequired(_l("Enter the application number.")), Length(max=40)],
    )
    passport_number = StringField(
        _l("Passport number"),
        validators=[DataRequired(_l("Enter the passport number.")), Length(max=40)],
    )
