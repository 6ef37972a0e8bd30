"""Forms of Si Emak: the run's details, one employee's lines, the import upload."""

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    MonthField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..core.filters import WIB
from . import components as comp
from .money import AmountError, parse_amount


def no_nul(value):
    """Text never carries NUL characters (PostgreSQL refuses them in text columns)."""
    return value.replace("\x00", "") if isinstance(value, str) else value


def _translated_parse_error(field_class, message):
    """WTForms has no Indonesian catalog: replace its parse error with our own message."""

    class Field(field_class):
        def process_formdata(self, valuelist):
            try:
                super().process_formdata(valuelist)
            except ValueError:
                self.data = None
                raise ValueError(str(message)) from None

    Field.__name__ = field_class.__name__
    return Field


_Month = _translated_parse_error(MonthField, _l("Choose a month."))
_Date = _translated_parse_error(DateField, _l("Enter a valid date."))
_DateTime = _translated_parse_error(DateTimeLocalField, _l("Enter a valid date and time."))


class RunForm(FlaskForm):
    period = _Month(
        _l("Period (month)"),
        format="%Y-%m",
        validators=[InputRequired(_l("Choose the month paid for."))],
    )
    kind = SelectField(
        _l("Kind of payment"),
        choices=comp.KINDS,
        default="gaji",
        validators=[InputRequired(_l("Choose the kind of payment."))],
    )
    kind_label = StringField(
        _l("Name of the payment (for \u201cother\u201d)"),
        filters=[no_nul],
        validators=[Optional(), Length(max=100)],
    )
    pay_date = _Date(_l("Pay date"), validators=[InputRequired(_l("Enter the pay date."))])
    send_after = _DateTime(
        _l("Send notices after (WIB, optional)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    note = TextAreaField(
        _l("Note to employees (optional)"),
        filters=[no_nul],
        validators=[Optional(), Length(max=1000)],
    )

    def validate_kind_label(self, field):
        if self.kind.data == comp.OTHER_KIND and not (field.data or "").strip():
            raise ValidationError(_l("Name the payment for a run of kind \u201cother\u201d."))

    def validate_period(self, field):
        if field.data and not dt.date(2000, 1, 1) <= field.data <= dt.date(2100, 12, 1):
            raise ValidationError(_l("Choose a month."))

    def validate_pay_date(self, field):
        if field.data and not dt.date(2000, 1, 1) <= field.data <= dt.date(2100, 12, 31):
            raise ValidationError(_l("Enter a valid date."))

    def validate_send_after(self, field):
        if field.data and not dt.datetime(2000, 1, 1) <= field.data <= dt.datetime(2100, 1, 1):
            raise ValidationError(_l("Enter a valid date and time."))

    def send_after_utc(self):
        """The WIB wall-clock time entered, as naive UTC."""
        if not self.send_after.data:
            return None
        local = self.send_after.data.replace(tzinfo=WIB)
        return local.astimezone(dt.UTC).replace(tzinfo=None)

    def fill_from(self, run):
        from ..core.filters import to_wib

        self.period.data = run.period
        self.kind.data = run.kind
        self.kind_label.data = run.kind_label
        self.pay_date.data = run.pay_date
        if run.send_after:
            self.send_after.data = to_wib(run.send_after).replace(tzinfo=None)
        self.note.data = run.note


def _amount(form, field):
    try:
        field.parsed = parse_amount(field.data)
    except AmountError as exc:
        field.parsed = None
        raise ValidationError(str(exc.message)) from None


class LineForm(Form):
    component = SelectField(
        _l("Component"),
        choices=[("", _l("Choose a component"))] + [(c.code, c.label) for c in comp.COMPONENTS],
        validators=[InputRequired(_l("Choose a component."))],
    )
    amount = StringField(_l("Amount (Rp)"), filters=[no_nul], validators=[_amount])

    def validate_component(self, field):
        if field.data not in comp.BY_CODE:
            raise ValidationError(_l("Choose a component."))


class EmployeeLinesForm(FlaskForm):
    nip = StringField(
        _l("Employee NIP"), filters=[no_nul], validators=[InputRequired(_l("Enter the NIP."))]
    )
    lines = FieldList(FormField(LineForm), min_entries=1, max_entries=len(comp.COMPONENTS))

    def validate_lines(self, field):
        codes = [entry.form.component.data for entry in field.entries]
        duplicates = {c for c in codes if c and codes.count(c) > 1}
        for entry in field.entries:
            if entry.form.component.data in duplicates:
                entry.form.component.errors = list(entry.form.component.errors) + [
                    _l("This component is already in the list.")
                ]
        if duplicates:
            raise ValidationError(_l("Each component may appear only once."))

    def parsed_lines(self):
        return [(e.form.component.data, e.form.amount.parsed) for e in self.lines.entries]


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV or XLSX file"), validators=[FileRequired(_l("Choose a .csv or .xlsx file."))]
    )
    replace = BooleanField(_l("Replace all lines of this run"))
