from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
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
    Regexp,
    StopValidation,
    ValidationError,
)

from .ikm import ELEMENTS
from .labels import CATEGORY_LABELS, RESOLUTION_LABELS, SERVICES


class CounterForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[
            DataRequired(_l("Give the counter a code.")),
            Length(max=10),
            Regexp(r"^[A-Za-z0-9-]+$", message=_l("Use letters, digits and dashes only.")),
        ],
    )
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Give the counter a name.")), Length(max=100)]
    )


class IssueTicketForm(FlaskForm):
    service = SelectField(
        _l("Service"),
        choices=[(k, v[1]) for k, v in SERVICES.items()],
        validators=[DataRequired(_l("Choose a service."))],
    )


class SurveyForm(FlaskForm):
    number = StringField(
        _l("Ticket number"),
        validators=[
            DataRequired(_l("Enter the number printed on your ticket.")),
            Length(max=8),
            Regexp(r"^\s*[A-Za-z]\s*\d{1,4}\s*$", message=_l("A ticket number looks like A012.")),
        ],
    )
    comment = TextAreaField(
        _l("Comments or suggestions (optional)"), validators=[Optional(), Length(max=2000)]
    )


class RatingField(RadioField):
    """A 1-4 rating; a missing or foreign value gets the same clear message."""

    def pre_validate(self, form):
        if self.data not in (1, 2, 3, 4):
            raise ValidationError(_l("Choose a rating for this question."))


for _key, _element, _question, _labels in ELEMENTS:
    setattr(
        SurveyForm,
        _key,
        RatingField(
            _question,
            choices=[(i + 1, label) for i, label in enumerate(_labels)],
            coerce=int,
            validators=[InputRequired(_l("Choose a rating for this question."))],
        ),
    )


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form):
        """The choices depend on the chosen officer and day; the service checks ownership."""


class FlagForm(FlaskForm):
    officer = SelectField(
        _l("Officer"), coerce=int, validators=[DataRequired(_l("Choose the officer."))]
    )
    category = SelectField(
        _l("Category"),
        choices=[("", "—")] + list(CATEGORY_LABELS.items()),
        validators=[DataRequired(_l("Choose a category."))],
    )
    description = TextAreaField(
        _l("What happened"),
        validators=[
            DataRequired(_l("Describe what happened.")),
            Length(min=10, max=4000, message=_l("Write between 10 and 4000 characters.")),
        ],
    )
    day = DateField(_l("Day of the service events"), validators=[Optional()])
    events = MultiCheckboxField(_l("Linked service events"), coerce=int, choices=[])
    attachment = FileField(_l("Attachment (optional)"))


class FlagStatusForm(FlaskForm):
    to_status = HiddenField(validators=[DataRequired()])
    resolution = RadioField(
        _l("Finding"), choices=list(RESOLUTION_LABELS.items()), validators=[Optional()]
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=4000)])


class NoteForm(FlaskForm):
    body = TextAreaField(
        _l("Note"),
        validators=[DataRequired(_l("Write the note first.")), Length(max=4000)],
    )


_MINUTES = _l("Give a whole number from 1 to 240.")


class MinutesField(IntegerField):
    """Whole minutes, 1 to 240; text that is no number gets the same one message (WTForms' own
    "Not a valid integer value." is English)."""

    def __init__(self, label=None, validators=None, **kwargs):
        validators = validators or [
            InputRequired(_l("Give a number of minutes.")),
            NumberRange(min=1, max=240, message=_MINUTES),
        ]
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(_MINUTES) from None

    def pre_validate(self, form):
        if self.process_errors:  # said once, by process_formdata
            raise StopValidation()


class BoardSettingsForm(FlaskForm):
    """When the board marks a counter late (anggrek.settings)."""

    calling_late_minutes = MinutesField(_l("Calling one ticket for longer than (minutes)"))
    interview_late_minutes = MinutesField(_l("Interviewing past the service standard of (minutes)"))
