"""The user admin's form: a staff member's record, roles and first password."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from peewee import fn
from wtforms import (
    BooleanField,
    DecimalField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from .models import Unit, User
from .nip import NipError, normalize_nip, validate_nip
from .roles import ROLE_LABELS, ROLES


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class UserForm(FlaskForm):
    nip = StringField(_l("NIP"), validators=[DataRequired(_l("NIP is required."))])
    name = StringField(
        _l("Full name"),
        validators=[DataRequired(_l("Name is required.")), Length(max=200)],
    )
    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(_l("E-mail is required.")),
            Email(_l("Enter a valid e-mail address.")),
            Length(max=254),
        ],
    )
    position = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    unit = SelectField(_l("Unit"), coerce=int, validators=[Optional()])
    supervisor_nip = StringField(_l("Direct supervisor (NIP)"), validators=[Optional()])
    language = SelectField(
        _l("Language"), choices=[("id", "Bahasa Indonesia"), ("en", "English")], default="id"
    )
    roles = MultiCheckboxField(
        _l("Roles"), choices=[(r, ROLE_LABELS[r]) for r in ROLES], default=["pegawai"]
    )
    wfh_address = TextAreaField(
        _l("Registered WFH address"), validators=[Optional(), Length(max=500)]
    )
    wfh_lat = DecimalField(
        _l("WFH latitude"),
        places=None,
        validators=[Optional(), NumberRange(-90, 90, _l("Latitude must be between -90 and 90."))],
    )
    wfh_lon = DecimalField(
        _l("WFH longitude"),
        places=None,
        validators=[
            Optional(),
            NumberRange(-180, 180, _l("Longitude must be between -180 and 180.")),
        ],
    )
    password = PasswordField(_l("Initial password"), validators=[Optional(), Length(max=200)])
    is_active = BooleanField(_l("Active"), default=True)

    def __init__(self, *args, password_rule, user=None, **kwargs):
        """``password_rule(text)`` is None for an acceptable password, else the message (auth's
        ``password_problem``: the rules are auth's, the form is the directory's)."""
        super().__init__(*args, **kwargs)
        self._user = user
        self._password_rule = password_rule
        self.unit.choices = [(0, "—")] + [(u.id, u.name) for u in Unit.select().order_by(Unit.name)]

    def validate_nip(self, field):
        try:
            field.data = validate_nip(field.data)
        except NipError as exc:
            raise ValidationError(str(exc)) from None
        clash = User.select().where(User.nip == field.data)
        if self._user is not None:
            clash = clash.where(User.id != self._user.id)
        if clash.exists():
            raise ValidationError(_l("Another user already has this NIP."))

    def validate_email(self, field):
        field.data = (field.data or "").strip()
        if field.errors:  # not an address: nothing to look up (and no NUL sent to PostgreSQL)
            return
        clash = User.select().where(fn.LOWER(User.email) == field.data.lower())
        if self._user is not None:
            clash = clash.where(User.id != self._user.id)
        if clash.exists():
            raise ValidationError(_l("Another user already has this e-mail."))

    def validate_supervisor_nip(self, field):
        nip = normalize_nip(field.data)
        if not nip:
            field.data = ""
            return
        sup = User.get_or_none(User.nip == nip) if nip.isdigit() else None
        if sup is None:
            raise ValidationError(_l("No user has this NIP."))
        if self._user is not None and sup.id == self._user.id:
            raise ValidationError(_l("A user cannot supervise themselves."))
        if not sup.is_active:
            raise ValidationError(_l("This supervisor's account is inactive."))
        field.data = nip

    def validate_password(self, field):
        if self._user is None and not field.data:
            raise ValidationError(_l("Set an initial password for the new user."))
        if field.data:
            problem = self._password_rule(field.data)
            if problem:
                raise ValidationError(problem)

    def validate_wfh_lon(self, field):
        if (field.data is None) != (self.wfh_lat.data is None):
            raise ValidationError(_l("Give both latitude and longitude, or neither."))
