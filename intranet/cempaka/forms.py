"""Si Cempaka's forms."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from .models import APPROVED, REJECTED, REVISION

ACCEPT = ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"


class LocationFields:
    """Hidden fields filled by static/js/cempaka.js when the employee presses submit."""

    geo_status = HiddenField()
    geo_lat = HiddenField()
    geo_lon = HiddenField()
    geo_accuracy = HiddenField()
    geo_time = HiddenField()


class SubmissionForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(_l("Give the deliverable a title.")),
            Length(min=3, max=200, message=_l("The title must be 3 to 200 characters long.")),
        ],
    )
    description = TextAreaField(
        _l("Description"),
        validators=[
            Optional(),
            Length(max=5000, message=_l("The description is too long (at most 5000 characters).")),
        ],
    )
    work_date = DateField(
        _l("Work date"),
        validators=[InputRequired(_l("Enter the work date."))],
        format="%Y-%m-%d",
    )
    files = MultipleFileField(_l("Files"), render_kw={"accept": ACCEPT})
    geo_status = LocationFields.geo_status
    geo_lat = LocationFields.geo_lat
    geo_lon = LocationFields.geo_lon
    geo_accuracy = LocationFields.geo_accuracy
    geo_time = LocationFields.geo_time


class ResubmitForm(FlaskForm):
    title = SubmissionForm.title
    description = SubmissionForm.description
    files = MultipleFileField(_l("New files"), render_kw={"accept": ACCEPT})
    keep_files = BooleanField(_l("Keep the files of the previous version"), default=True)
    geo_status = LocationFields.geo_status
    geo_lat = LocationFields.geo_lat
    geo_lon = LocationFields.geo_lon
    geo_accuracy = LocationFields.geo_accuracy
    geo_time = LocationFields.geo_time


class DecisionForm(FlaskForm):
    decision = SelectField(
        _l("Decision"),
        choices=[
            (APPROVED, _l("Approve")),
            (REVISION, _l("Request revision")),
            (REJECTED, _l("Reject")),
        ],
        validators=[DataRequired(_l("Choose a decision."))],
    )
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)])
    version = IntegerField(validators=[Optional()])


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


WEEKDAYS = [
    (1, _l("Monday")),
    (2, _l("Tuesday")),
    (3, _l("Wednesday")),
    (4, _l("Thursday")),
    (5, _l("Friday")),
    (6, _l("Saturday")),
    (7, _l("Sunday")),
]

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _hhmm(form, field):
    if not _HHMM.match(field.data or ""):
        raise ValidationError(_l("Use the 24-hour form HH:MM, e.g. 07:30."))


class SettingsForm(FlaskForm):
    radius_m = IntegerField(
        _l("Radius around the registered WFH place (metres)"),
        validators=[InputRequired(), NumberRange(10, 100_000)],
    )
    accuracy_max_m = IntegerField(
        _l("Worst accepted location accuracy (metres)"),
        validators=[InputRequired(), NumberRange(5, 100_000)],
    )
    work_start = StringField(_l("Working hours start (WIB)"), validators=[InputRequired(), _hhmm])
    work_end = StringField(_l("Working hours end (WIB)"), validators=[InputRequired(), _hhmm])
    work_end_friday = StringField(
        _l("Working hours end on Friday (WIB)"), validators=[InputRequired(), _hhmm]
    )
    work_days = MultiCheckboxField(_l("Working days"), choices=WEEKDAYS, coerce=int)
    missing_location = SelectField(
        _l("When the location is missing"),
        choices=[
            ("flag", _l("Accept the deliverable and flag it")),
            ("block", _l("Refuse the deliverable")),
        ],
    )
    retention_days = IntegerField(
        _l("Keep precise coordinates for (days)"),
        validators=[InputRequired(), NumberRange(1, 3650)],
    )
    coarse_decimals = IntegerField(
        _l("Decimals kept afterwards"),
        validators=[InputRequired(), NumberRange(0, 4)],
    )
    max_file_mb = DecimalField(
        _l("Largest file (MB)"), places=None, validators=[InputRequired(), NumberRange(0.1, 24)]
    )
    max_total_mb = DecimalField(
        _l("Largest total per deliverable (MB)"),
        places=None,
        validators=[InputRequired(), NumberRange(0.1, 24)],
    )
    max_files = IntegerField(
        _l("Most files per deliverable"), validators=[InputRequired(), NumberRange(1, 20)]
    )
    max_backdate_days = IntegerField(
        _l("How many days back a work date may be"),
        validators=[InputRequired(), NumberRange(0, 60)],
    )
    geo_timeout_s = IntegerField(
        _l("How long the browser may take to find the location (seconds)"),
        validators=[InputRequired(), NumberRange(3, 120)],
    )
    tile_url = StringField(
        _l("Map tile server URL"),
        validators=[Optional(), Length(max=300)],
    )
    tile_attribution = StringField(_l("Map attribution"), validators=[Optional(), Length(max=300)])

    def validate_work_days(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one working day."))

    def validate_max_total_mb(self, field):
        if (
            field.data is not None
            and self.max_file_mb.data is not None
            and field.data < self.max_file_mb.data
        ):
            raise ValidationError(_l("The total cannot be smaller than the largest file."))

    def validate_work_end(self, field):
        if _HHMM.match(field.data or "") and _HHMM.match(self.work_start.data or ""):
            if field.data <= self.work_start.data:
                raise ValidationError(_l("The end must be after the start."))

    def validate_work_end_friday(self, field):
        self.validate_work_end(field)

    def validate_tile_url(self, field):
        url = (field.data or "").strip()
        field.data = url
        if not url:
            return
        if not (url.startswith("https://") or url.startswith("/")):
            raise ValidationError(_l("Use an https:// address or a path on this server."))
        if not all(part in url for part in ("{z}", "{x}", "{y}")):
            raise ValidationError(_l("The address must contain {z}, {x} and {y}."))
        if any(ch in url for ch in " ;'\",<>"):
            raise ValidationError(_l("The address contains characters that are not allowed."))


class OverrideForm(FlaskForm):
    kind = SelectField(_l("For"), choices=[("unit", _l("A unit")), ("user", _l("An employee"))])
    unit = SelectField(_l("Unit"), coerce=int, validators=[Optional()])
    nip = StringField(_l("Employee NIP"), validators=[Optional(), Length(max=40)])
    value = SelectField(
        _l("When the location is missing"),
        choices=[
            ("flag", _l("Accept the deliverable and flag it")),
            ("block", _l("Refuse the deliverable")),
        ],
    )
